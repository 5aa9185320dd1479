using ClusterHost.Primary.Balancing.Proxy;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Model;

namespace ClusterHost.Primary.Tests.Balancing.Proxy;

public sealed class ConnectRetryMiddlewareTests
{
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
        var middleware = new ConnectRetryMiddleware(Forwarder(attempts, "w0-1"), NullLogger<ConnectRetryMiddleware>.Instance);

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
        var middleware = new ConnectRetryMiddleware(Forwarder(attempts, "w0-1", "w1-1"), NullLogger<ConnectRetryMiddleware>.Instance);

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
        var middleware = new ConnectRetryMiddleware(Forwarder(attempts, [.. destinations.Select(d => d.DestinationId)]), NullLogger<ConnectRetryMiddleware>.Instance);

        await middleware.InvokeAsync(context);

        Assert.Equal(1 + ConnectRetryMiddleware.MaxRetries, attempts.Count);
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

        await new ConnectRetryMiddleware(failing, NullLogger<ConnectRetryMiddleware>.Instance).InvokeAsync(context);

        Assert.Equal(["w0-1"], attempts);
        Assert.Equal(StatusCodes.Status502BadGateway, context.Response.StatusCode);
    }
}
