using System.Reflection;
using System.Text;
using ClusterHost.Control;
using ClusterHost.Worker.Internal;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ClusterHost.Worker.Metrics;

/// <summary>
/// The app's own prometheus-net metrics route under the cluster (<c>app.MapMetrics()</c>,
/// <c>UseMetricServer()</c>, on any path): answered with every worker's prometheus-net families,
/// merged with the <c>worker</c> label as on the primary's <c>/metrics</c>
/// (<see cref="ClusterMetricsRequestMessage"/>), instead of the one worker's registry the
/// connection happened to reach, as Node's prom-client <c>AggregatorRegistry</c> does.
/// </summary>
/// <remarks>
/// <para>
/// The route is recognized by what it does, not by its path: a callback on the app's default
/// registry (<c>AddBeforeCollectCallback</c>, bound by reflection: ClusterHost does not reference
/// prometheus-net) runs whenever that registry is collected; when that happens inside a request
/// this worker's first middleware (<see cref="InvokeAsync"/>) marked, the request is a scrape of
/// the app's route. The callback fetches the merged text from the primary and sends what the
/// registry writes next nowhere; the middleware then answers with the merged text. So the app's
/// own authorization, host and port filters, path and middleware all still apply.
/// </para>
/// <para>
/// Left as it was: a route serving another registry than the default one, a separate metric
/// server (<c>KestrelMetricServer</c>), and an app that loads prometheus-net only after it started.
/// </para>
/// </remarks>
internal sealed class AppMetricsRoute(
    ClusterMetricsClient cluster,
    WorkerEnvironment environment,
    IHostApplicationLifetime lifetime,
    ILogger<AppMetricsRoute> logger) : IHostedService
{
    /// <summary>The content type of the merged answer: the Prometheus text format 0.0.4.</summary>
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    // The request now running in this async flow, when the route is attached and it is a GET or HEAD.
    private static readonly AsyncLocal<Scrape?> CurrentRequest = new();

    private CancellationTokenRegistration _started;
    private volatile bool _attached;

    /// <summary>True once the callback is on the app's default registry.</summary>
    public bool IsAttached => _attached;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        // By then the app's Program has built its pipeline: a prometheus-net it uses is loaded.
        _started = lifetime.ApplicationStarted.Register(() => Attach(AppPrometheusRegistry.FindLoadedAssembly()));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Puts the callback on <paramref name="prometheus"/>'s default registry; false when there is none (or its API differs).</summary>
    internal bool Attach(Assembly? prometheus)
    {
        _started.Dispose();
        var registry = prometheus?.GetType("Prometheus.Metrics")?.GetProperty("DefaultRegistry", BindingFlags.Public | BindingFlags.Static)?.GetValue(null);
        var add = registry?.GetType().GetMethod("AddBeforeCollectCallback", BindingFlags.Public | BindingFlags.Instance, [typeof(Func<CancellationToken, Task>)]);
        if (add is null)
        {
            return false;
        }
        add.Invoke(registry, [new Func<CancellationToken, Task>(BeforeCollectAsync)]);
        _attached = true;
        if (environment.WorkerId == 0)
        {
            Log.AppMetricsRouteMerged(logger, environment.WorkerId);
        }
        return true;
    }

    /// <summary>The worker's middleware, ahead of the app's pipeline.</summary>
    public Task InvokeAsync(HttpContext context, RequestDelegate next) =>
        _attached && (HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method))
            ? InvokeMarkedAsync(context, next)
            : next(context);

    private async Task InvokeMarkedAsync(HttpContext context, RequestDelegate next)
    {
        var scrape = new Scrape(context);
        var body = context.Features.Get<IHttpResponseBodyFeature>();
        CurrentRequest.Value = scrape;
        try
        {
            await next(context).ConfigureAwait(false);
        }
        finally
        {
            CurrentRequest.Value = null;
        }
        if (scrape.Answer is { } answer)
        {
            context.Features.Set(body);
            await AnswerAsync(context, answer).ConfigureAwait(false);
        }
    }

    // Runs at every collection of the app's default registry: the primary's scrapes (on the
    // control thread, no request marked), the app's own route, anything else that collects it.
    private async Task BeforeCollectAsync(CancellationToken cancellationToken)
    {
        if (CurrentRequest.Value is not { } scrape || Interlocked.Exchange(ref scrape.Claimed, 1) != 0)
        {
            return;
        }
        ClusterMetricsMessage answer;
        try
        {
            answer = await cluster.RequestAsync(scrape.Context.RequestAborted).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            answer = new ClusterMetricsMessage { Id = 0, Message = "the client went away" };
        }
        // What the registry writes from here on goes nowhere; the middleware answers instead.
        scrape.Context.Response.Body = Stream.Null;
        scrape.Answer = answer;
    }

    private async Task AnswerAsync(HttpContext context, ClusterMetricsMessage answer)
    {
        var response = context.Response;
        if (answer.Text is null)
        {
            Log.ClusterMetricsUnavailable(logger, environment.WorkerId, answer.Message ?? "no reason given");
        }
        if (response.HasStarted)
        {
            return; // the app sent its headers itself first: nothing sound can follow
        }
        var bytes = Encoding.UTF8.GetBytes(answer.Text ?? $"the cluster's metrics are unavailable: {answer.Message}\n");
        response.StatusCode = answer.Text is null ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK;
        response.ContentType = answer.Text is null ? "text/plain; charset=utf-8" : ContentType;
        response.ContentLength = bytes.Length;
        if (!HttpMethods.IsHead(context.Request.Method))
        {
            await response.Body.WriteAsync(bytes, context.RequestAborted).ConfigureAwait(false);
        }
    }

    private sealed class Scrape(HttpContext context)
    {
        public HttpContext Context { get; } = context;

        public int Claimed;

        public ClusterMetricsMessage? Answer { get; set; }
    }
}
