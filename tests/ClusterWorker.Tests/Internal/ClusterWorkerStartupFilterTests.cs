using System.Net;
using ClusterHost.Control;
using ClusterHost.Worker.Internal;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;

namespace ClusterHost.Worker.Tests.Internal;

public sealed class ClusterWorkerStartupFilterTests
{
    private sealed class Lifetime : IHostApplicationLifetime, IDisposable
    {
        private readonly CancellationTokenSource _stopping = new();
        public CancellationToken ApplicationStarted => CancellationToken.None;
        public CancellationToken ApplicationStopping => _stopping.Token;
        public CancellationToken ApplicationStopped => CancellationToken.None;
        public void StopApplication() => _stopping.Cancel();
        public void Dispose() => _stopping.Dispose();
    }

    private static WorkerEnvironment Environment(string listenMode) => new()
    {
        ControlAddress = "@clusterhost-1-abc",
        Token = "secret",
        WorkerId = 0,
        WorkerCount = 1,
        ListenMode = listenMode,
        ShutdownTimeout = TimeSpan.FromSeconds(30),
    };

    // Builds the pipeline the way the host does: the filter around the app's own, which records
    // the request as it saw it.
    private static RequestDelegate Pipeline(string listenMode, Lifetime lifetime, List<HttpRequest> appSaw)
    {
        var services = new ServiceCollection().AddLogging().BuildServiceProvider();
        var app = new ApplicationBuilder(services);
        new ClusterWorkerStartupFilter(Environment(listenMode), lifetime, new AppAddressOverrides(), new ConnectionTracker(TimeProvider.System), NullLogger<ClusterWorkerStartupFilter>.Instance).Configure(inner => inner.Run(context =>
        {
            appSaw.Add(context.Request);
            return Task.CompletedTask;
        }))(app);
        return app.Build();
    }

    private static DefaultHttpContext Request(string path)
    {
        var context = new DefaultHttpContext();
        context.Request.Path = path;
        context.Request.Scheme = "http";
        context.Request.Host = new HostString("127.0.0.1:8080");
        context.Response.Body = new MemoryStream();
        return context;
    }

    [Fact]
    public async Task HealthProbe_IsAnsweredAheadOfTheApp_200ThenStoppingIs503()
    {
        using var lifetime = new Lifetime();
        var appSaw = new List<HttpRequest>();
        var pipeline = Pipeline(WorkerListenModes.ReusePort, lifetime, appSaw);

        var healthy = Request(WorkerHealthEndpoint.Path);
        await pipeline(healthy);
        lifetime.StopApplication();
        var stopping = Request(WorkerHealthEndpoint.Path);
        await pipeline(stopping);

        Assert.Equal(StatusCodes.Status200OK, healthy.Response.StatusCode);
        Assert.Equal("Healthy", System.Text.Encoding.UTF8.GetString(((MemoryStream)healthy.Response.Body).ToArray()));
        Assert.Equal(StatusCodes.Status503ServiceUnavailable, stopping.Response.StatusCode);
        Assert.Empty(appSaw);
    }

    [Theory]
    [InlineData(WorkerListenModes.Unix)]
    [InlineData(WorkerListenModes.Tcp)]
    public async Task BehindTheProxy_TheAppSeesTheForwardedClient(string listenMode)
    {
        using var lifetime = new Lifetime();
        var appSaw = new List<HttpRequest>();
        var context = Request("/");
        context.Request.Headers["X-Forwarded-For"] = "203.0.113.7";
        context.Request.Headers["X-Forwarded-Proto"] = "https";
        context.Request.Headers["X-Forwarded-Host"] = "example.test";

        await Pipeline(listenMode, lifetime, appSaw)(context);

        var request = Assert.Single(appSaw);
        Assert.Equal(IPAddress.Parse("203.0.113.7"), request.HttpContext.Connection.RemoteIpAddress);
        Assert.Equal("https", request.Scheme);
        Assert.Equal("example.test", request.Host.Value);
    }

    [Fact]
    public async Task InReusePortMode_ForwardedHeadersAreLeftAlone()
    {
        using var lifetime = new Lifetime();
        var appSaw = new List<HttpRequest>();
        var context = Request("/");
        context.Request.Headers["X-Forwarded-For"] = "203.0.113.7";

        await Pipeline(WorkerListenModes.ReusePort, lifetime, appSaw)(context);

        var request = Assert.Single(appSaw);
        Assert.Null(request.HttpContext.Connection.RemoteIpAddress);
        Assert.Equal("203.0.113.7", request.Headers["X-Forwarded-For"]);
    }
}
