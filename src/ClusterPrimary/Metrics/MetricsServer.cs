using System.Globalization;
using System.Net.Sockets;
using ClusterHost.Primary.Balancing;
using ClusterHost.Primary.Configuration;
using ClusterHost.Primary.Hosting;
using ClusterHost.Primary.Supervision;
using ClusterHost.Primary.Supervision.Standby;
using ClusterHost.Primary.SignalR;
using ClusterHost.Primary.Status;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ClusterHost.Primary.Metrics;

/// <summary>
/// Serves <c>GET /metrics</c> on <c>--metrics-urls</c> from an embedded web application
/// (<see cref="EmbeddedWebApplication"/>: its own Kestrel, apart from anything else the primary
/// serves). <see cref="ClusterLifecycle"/> starts it as it claims the public ports, so a metrics
/// port in use stops the primary with one line before any worker starts, and stops it last, so it
/// keeps answering while workers drain.
/// </summary>
internal sealed class MetricsServer(
    ClusterHostConfig config,
    ClusterMetricsScraper scraper,
    IClusterFront front,
    WorkerSlots slots,
    TimeProvider time,
    ILoggerFactory loggerFactory,
    StatusPage? statusPage = null,
    SignalRRelay? relay = null,
    StandbyPool? standbys = null) : IAsyncDisposable
{
    public const string Path = "/metrics";

    /// <summary>The header in which Prometheus sends its scrape timeout.</summary>
    internal const string ScrapeTimeoutHeader = "X-Prometheus-Scrape-Timeout-Seconds";

    private readonly ILogger _logger = loggerFactory.CreateLogger<MetricsServer>();
    private WebApplication? _app;

    /// <summary>The <c>/metrics</c> URLs, port 0 resolved; empty before start or when turned off.</summary>
    public IReadOnlyList<string> Urls { get; private set; } = [];

    /// <summary>Binds <c>--metrics-urls</c> and serves.</summary>
    /// <exception cref="ClusterStartupException">A metrics URL cannot be bound (port in use).</exception>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (config.MetricsUrls.Count == 0)
        {
            Log.MetricsDisabled(_logger);
            return;
        }

        var endpoints = Bind();
        WebApplication? app = null;
        try
        {
            var builder = EmbeddedWebApplication.CreateBuilder(endpoints, loggerFactory, time);
            app = builder.Build();
            if (statusPage is not null)
            {
                app.Use(statusPage.InvokeAsync); // /status and /status/data
            }
            app.Run(HandleAsync);
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            if (app is not null)
            {
                await app.DisposeAsync().ConfigureAwait(false);
            }
            throw Unavailable(e.Message, e);
        }
        finally
        {
            endpoints.Dispose(); // what Kestrel did not take
        }
        _app = app;
        var addresses = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses;
        Urls = [.. addresses.Select(a => a + Path)];
        foreach (var url in Urls)
        {
            Log.MetricsListening(_logger, url);
        }
    }

    /// <exception cref="ClusterStartupException">A metrics endpoint is in use or cannot be bound.</exception>
    private PublicEndpoints Bind()
    {
        try
        {
            return PublicEndpointBinder.Bind(config.MetricsUrls, PublicEndpointBinder.BindListener);
        }
        catch (ClusterStartupException e) when (e.InnerException is SocketException socketError)
        {
            throw Unavailable(socketError.Message, socketError);
        }
    }

    private ClusterStartupException Unavailable(string reason, Exception e) => new(
        $"cannot serve metrics on --metrics-urls {string.Join(";", config.MetricsUrls)}: {reason.TrimEnd('.')}; choose another port, or --metrics-urls none",
        ExitCodes.Failure, e);

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var response = context.Response;
        if (request.Path == ReadinessProbe.Path && (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method)))
        {
            await ReadinessProbe.WriteAsync(context, slots).ConfigureAwait(false);
            return;
        }
        if (request.Path != Path)
        {
            response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        if (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method))
        {
            response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            response.Headers.Allow = "GET, HEAD";
            return;
        }

        string text;
        try
        {
            var workers = await scraper.ScrapeAsync(WorkerTimeout(request.Headers[ScrapeTimeoutHeader]), context.RequestAborted).ConfigureAwait(false);
            var frontSeries = (front as IFrontMetricsSource)?.CollectFrontMetrics() ?? [];
            var frontFamilies = (front as IFrontMetricFamilies)?.CollectFamilies() ?? [];
            var families = ClusterMetricsExposition.Build(workers, frontSeries).Concat(frontFamilies).ToList();
            if (relay is not null)
            {
                families = [.. families, .. RelayMetricsExposition.Build(relay.Stats)];
            }
            if (standbys?.Counts is { } counts)
            {
                families = [.. families, .. StandbyMetricsExposition.Build(counts)];
            }
            text = PrometheusTextWriter.Write(families);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            return;
        }
        catch (Exception e)
        {
            Log.MetricsScrapeFailed(_logger, e);
            response.StatusCode = StatusCodes.Status500InternalServerError;
            return;
        }

        var body = System.Text.Encoding.UTF8.GetBytes(text);
        response.ContentType = PrometheusTextWriter.ContentType;
        response.ContentLength = body.Length;
        response.Headers.CacheControl = "no-store";
        if (HttpMethods.IsGet(request.Method))
        {
            await response.Body.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// How long to wait for each worker: <see cref="ClusterMetricsScraper.WorkerTimeout"/> (1 s),
    /// or half of Prometheus's own scrape timeout when that is shorter, so a slow worker never
    /// makes Prometheus give up on the whole scrape.
    /// </summary>
    internal static TimeSpan WorkerTimeout(string? prometheusTimeout)
    {
        if (double.TryParse(prometheusTimeout, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds)
            && double.IsFinite(seconds) && seconds > 0)
        {
            var half = TimeSpan.FromSeconds(seconds / 2);
            return half < ClusterMetricsScraper.WorkerTimeout ? half : ClusterMetricsScraper.WorkerTimeout;
        }
        return ClusterMetricsScraper.WorkerTimeout;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_app is { } app)
        {
            await app.StopAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is { } app)
        {
            _app = null;
            await app.DisposeAsync().ConfigureAwait(false);
        }
    }
}
