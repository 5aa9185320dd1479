using ClusterHost.Primary.Balancing.Proxy;
using ClusterHost.Primary.Supervision;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Model;

namespace ClusterHost.Primary.Tests.Balancing.Proxy;

public sealed class WorkerRetryMiddlewareTests
{
    private static WorkerRetryMiddleware Middleware(RequestDelegate next, WorkerExits? exits = null) =>
        new(next, exits ?? new WorkerExits(TimeProvider.System), new ProxyMetrics(new MeterFactory()), TimeProvider.System, NullLogger<WorkerRetryMiddleware>.Instance);

    private sealed class MeterFactory : System.Diagnostics.Metrics.IMeterFactory
    {
        public System.Diagnostics.Metrics.Meter Create(System.Diagnostics.Metrics.MeterOptions options) => new(options);

        public void Dispose()
        {
        }
    }

    private sealed class ErrorFeature(ForwarderError error, Exception? exception) : IForwarderErrorFeature
    {
        public ForwarderError Error { get; } = error;
        public Exception? Exception { get; } = exception;
    }

    private static readonly HttpRequestException Refused =
        new(HttpRequestError.ConnectionError, "Connection refused", new System.Net.Sockets.SocketException(111));

    private static (DefaultHttpContext Context, ReverseProxyFeature Feature) Request(params DestinationState[] destinations)
    {
        var context = new DefaultHttpContext();
        var feature = new ReverseProxyFeature { AvailableDestinations = destinations, AllDestinations = destinations };
        context.Features.Set<IReverseProxyFeature>(feature);
        return (context, feature);
    }

    // Stands for load balancing + forwarding: picks the first available destination; the ones in
    // `down` refuse the connection the way YARP reports it.
    private static RequestDelegate Forwarder(List<string> attempts, params string[] down) => context =>
    {
        var feature = context.GetReverseProxyFeature();
        var destination = feature.AvailableDestinations[0];
        feature.ProxiedDestination = destination;
        attempts.Add(destination.DestinationId);
        if (down.Contains(destination.DestinationId))
        {
            context.Response.StatusCode = StatusCodes.Status502BadGateway;
            context.Features.Set<IForwarderErrorFeature>(new ErrorFeature(ForwarderError.Request, Refused));
        }
        else
        {
            context.Response.StatusCode = StatusCodes.Status200OK;
        }
        return Task.CompletedTask;
    };

    [Fact]
    public async Task RefusedConnection_IsRetriedOnAnotherWorker()
    {
        var attempts = new List<string>();
        var (context, _) = Request(new DestinationState("w0-1"), new DestinationState("w1-1"));
        var middleware = Middleware(Forwarder(attempts, "w0-1"));

        await middleware.InvokeAsync(context);

        Assert.Equal(["w0-1", "w1-1"], attempts);
        Assert.Equal(StatusCodes.Status200OK, context.Response.StatusCode);
        Assert.Null(context.GetForwarderErrorFeature());
    }

    [Fact]
    public async Task EveryWorkerRefusing_EndsWithTheError_AfterTryingEachOnce()
    {
        var attempts = new List<string>();
        var (context, _) = Request(new DestinationState("w0-1"), new DestinationState("w1-1"));
        var middleware = Middleware(Forwarder(attempts, "w0-1", "w1-1"));

        await middleware.InvokeAsync(context);

        Assert.Equal(["w0-1", "w1-1"], attempts);
        Assert.Equal(StatusCodes.Status502BadGateway, context.Response.StatusCode);
        Assert.NotNull(context.GetForwarderErrorFeature());
    }

    [Fact]
    public async Task Retries_AreBounded()
    {
        var attempts = new List<string>();
        var destinations = Enumerable.Range(0, 6).Select(i => new DestinationState($"w{i}-1")).ToArray();
        var (context, _) = Request(destinations);
        var middleware = Middleware(Forwarder(attempts, [.. destinations.Select(d => d.DestinationId)]));

        await middleware.InvokeAsync(context);

        Assert.Equal(1 + WorkerRetryMiddleware.MaxRefusedRetries, attempts.Count);
    }

    [Fact]
    public async Task OtherFailures_AreNotRetried()
    {
        var attempts = new List<string>();
        var (context, _) = Request(new DestinationState("w0-1"), new DestinationState("w1-1"));
        RequestDelegate failing = c =>
        {
            var feature = c.GetReverseProxyFeature();
            feature.ProxiedDestination = feature.AvailableDestinations[0];
            attempts.Add(feature.ProxiedDestination.DestinationId);
            c.Response.StatusCode = StatusCodes.Status502BadGateway;
            // The worker took the request and failed during it: sending it again could repeat it.
            c.Features.Set<IForwarderErrorFeature>(new ErrorFeature(ForwarderError.ResponseBodyDestination, new IOException("reset")));
            return Task.CompletedTask;
        };

        await Middleware(failing).InvokeAsync(context);

        Assert.Equal(["w0-1"], attempts);
        Assert.Equal(StatusCodes.Status502BadGateway, context.Response.StatusCode);
    }

    private static readonly HttpRequestException ResponseEnded =
        new(HttpRequestError.ResponseEnded, "The response ended prematurely");

    // w0-1's worker dies under the request (its exit code as given); the others answer.
    private static RequestDelegate DyingForwarder(List<string> attempts) => context =>
    {
        var feature = context.GetReverseProxyFeature();
        var destination = feature.AvailableDestinations[0];
        feature.ProxiedDestination = destination;
        attempts.Add(destination.DestinationId);
        if (destination.DestinationId == "w0-1")
        {
            context.Response.StatusCode = StatusCodes.Status502BadGateway;
            context.Features.Set<IForwarderErrorFeature>(new ErrorFeature(ForwarderError.Request, ResponseEnded));
        }
        else
        {
            context.Response.StatusCode = StatusCodes.Status200OK;
        }
        return Task.CompletedTask;
    };

    private static async Task<(DefaultHttpContext Context, List<string> Attempts)> SendAsync(string method, int exitCode)
    {
        var exits = new WorkerExits(TimeProvider.System);
        exits.Record(new WorkerInstance(0, 1), Task.FromResult(exitCode));
        var attempts = new List<string>();
        var (context, _) = Request(new DestinationState("w0-1"), new DestinationState("w1-1"));
        context.Request.Method = method;
        context.Response.Body = new MemoryStream();
        await Middleware(DyingForwarder(attempts), exits).InvokeAsync(context);
        return (context, attempts);
    }

    private static string Body(HttpContext context) => System.Text.Encoding.UTF8.GetString(((MemoryStream)context.Response.Body).ToArray());

    [Fact]
    public async Task GetWhoseWorkerWasKilled_IsSentToAnotherWorker()
    {
        var (context, attempts) = await SendAsync("GET", 128 + 9);

        Assert.Equal(["w0-1", "w1-1"], attempts);
        Assert.Equal(StatusCodes.Status200OK, context.Response.StatusCode);
    }

    [Fact]
    public async Task GetWhoseWorkerCrashed_IsNotSentToASecondWorker_AndGetsAProblem()
    {
        var (context, attempts) = await SendAsync("GET", 128 + 6);

        Assert.Equal(["w0-1"], attempts);
        Assert.Equal(StatusCodes.Status502BadGateway, context.Response.StatusCode);
        Assert.Equal(ProxyProblemWriter.ContentType, context.Response.ContentType);
        Assert.Contains("\"cause\":\"worker-died\"", Body(context), StringComparison.Ordinal);
        Assert.Contains("crashed", Body(context), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("POST")]
    [InlineData("PATCH")]
    public async Task NonIdempotentRequestWhoseWorkerWasKilled_IsNeverSentAgain(string method)
    {
        var (context, attempts) = await SendAsync(method, 128 + 9);

        Assert.Equal(["w0-1"], attempts);
        Assert.Equal(StatusCodes.Status502BadGateway, context.Response.StatusCode);
        Assert.Contains("is not idempotent", Body(context), StringComparison.Ordinal);
    }
}
