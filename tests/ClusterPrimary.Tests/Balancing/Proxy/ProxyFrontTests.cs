using System.Net.Sockets;
using System.Net;
using ClusterHost.Control;
using ClusterHost.Primary.Balancing;
using ClusterHost.Primary.Balancing.Proxy;
using ClusterHost.Primary.Configuration;
using ClusterHost.Primary.Supervision;
using ClusterHost.Primary.Tests.TestUtilities;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Model;
using Yarp.ReverseProxy;

namespace ClusterHost.Primary.Tests.Balancing.Proxy;

public sealed class ProxyFrontTests
{
    private static ClusterHostConfig Config(string urls, ProxyTransport transport = ProxyTransport.Unix) => new()
    {
        Workers = 2,
        Urls = ListenUrlParser.Parse(urls, new List<string>()),
        Mode = BalancingMode.Proxy,
        ProxyTransport = transport,
        AppPath = "/app/App.dll",
        ShutdownTimeout = TimeSpan.FromSeconds(5),
        StartTimeout = TimeSpan.FromSeconds(30),
        MaxRestarts = 5,
    };

    [Fact]
    public async Task StartAsync_ServesThePublicPort_WithNoWorkerYet_As503()
    {
        var front = Front(Config("http://127.0.0.1:0"));
        string directory;
        await using (front)
        {
            await front.StartAsync(CancellationToken.None);
            var url = new Uri(Assert.Single(front.Urls));
            Assert.NotEqual(0, url.Port);
            directory = ((UnixWorkerEndpoints)front.Workers).Directory;
            Assert.True(Directory.Exists(directory));

            using var client = new HttpClient();
            using var response = await client.GetAsync(url);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.False(response.Headers.Contains("Server"));
        }

        Assert.False(Directory.Exists(directory));
    }

    [Fact]
    public async Task WorkerLifecycle_DrivesTheRotation()
    {
        await using var front = Front(Config("http://127.0.0.1:0", ProxyTransport.Tcp));
        await front.StartAsync(CancellationToken.None);
        var environment = new Dictionary<string, string?>();

        front.ConfigureWorker(new WorkerInstance(0, 1), environment);
        Assert.Equal(WorkerListenModes.Tcp, environment[WorkerEnvironmentVariables.ListenMode]);
        Assert.Empty(front.InRotation);
        front.WorkerReady(new WorkerInstance(0, 1));
        Assert.Equal("w0-1", Assert.Single(front.InRotation).DestinationId);
        front.WorkerLeaving(new WorkerInstance(0, 1));
        Assert.Empty(front.InRotation);
        front.ConfigureWorker(new WorkerInstance(0, 2), environment);
        front.WorkerReady(new WorkerInstance(0, 2));
        Assert.Equal("w0-2", Assert.Single(front.InRotation).DestinationId);

        await front.StopAcceptingAsync(CancellationToken.None);
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        var refused = Assert.Throws<SocketException>(() => probe.Connect(IPEndPoint.Parse(new Uri(front.Urls[0]).Authority)));
        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
    }

    [Fact]
    public async Task WorkerThatRefusesConnections_RequestsAreRetriedOnTheOther_AndItIsMarkedUnhealthy()
    {
        await using var front = Front(Config("http://127.0.0.1:0"));
        await front.StartAsync(CancellationToken.None);
        var dead = new Dictionary<string, string?>();
        var live = new Dictionary<string, string?>();
        front.ConfigureWorker(new WorkerInstance(0, 1), dead);
        front.ConfigureWorker(new WorkerInstance(1, 1), live);
        // What a SIGKILLed worker leaves: its socket file, with nobody listening (ECONNREFUSED).
        using var leftover = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        leftover.Bind(new UnixDomainSocketEndPoint(dead[WorkerEnvironmentVariables.Listen]!));
        await using var worker = await StartFakeWorkerAsync(live[WorkerEnvironmentVariables.Listen]!, "worker 1");
        front.WorkerReady(new WorkerInstance(0, 1));
        front.WorkerReady(new WorkerInstance(1, 1));

        using var client = new HttpClient { BaseAddress = new Uri(front.Urls[0]) };
        var answers = new List<string>();
        // Round-robin sends one of the first two to the refusing worker: a request with a body
        // is retried whole, since none of it was read.
        var body = new byte[100_000];
        for (var i = 0; i < 2; i++)
        {
            using var posted = await client.PostAsync("/", new ByteArrayContent(body));
            answers.Add(await posted.EnsureSuccessStatusCode().Content.ReadAsStringAsync());
        }
        for (var i = 0; i < 8; i++)
        {
            answers.Add(await client.GetStringAsync("/"));
        }

        Assert.Equal(["worker 1 read 100000 bytes", "worker 1 read 100000 bytes"], answers.Take(2));
        Assert.All(answers.Skip(2), a => Assert.Equal("worker 1", a));
        Assert.True(front.ServerServices.GetRequiredService<IProxyStateLookup>().TryGetCluster(ProxyConfigFactory.ClusterId, out var cluster));
        Assert.Equal(DestinationHealth.Unhealthy, cluster.Destinations["w0-1"].Health.Passive);
        Assert.NotEqual(DestinationHealth.Unhealthy, cluster.Destinations["w1-1"].Health.Passive);
    }

    private static async Task<WebApplication> StartFakeWorkerAsync(string socketPath, string answer)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ListenUnixSocket(socketPath));
        var app = builder.Build();
        app.MapGet("/", () => answer);
        app.MapPost("/", async (HttpRequest request) =>
        {
            var length = 0L;
            var buffer = new byte[8192];
            int read;
            while ((read = await request.Body.ReadAsync(buffer)) > 0)
            {
                length += read;
            }
            return $"{answer} read {length} bytes";
        });
        app.MapGet(WorkerHealthEndpoint.Path, () => "Healthy");
        await app.StartAsync();
        return app;
    }

    [Fact]
    public async Task StartAsync_PortInUse_IsOneLineAndExitCodeOne()
    {
        using var squatter = new PortSquatter();
        var port = squatter.Port;
        await using var front = Front(Config($"http://127.0.0.1:{port}"));

        var error = await Assert.ThrowsAsync<ClusterStartupException>(() => front.StartAsync(CancellationToken.None));

        Assert.Equal(1, error.ExitCode);
        Assert.Equal($"http://127.0.0.1:{port} (127.0.0.1:{port}) is already in use by another program; stop it or choose another port with --urls", error.Message);
    }

    [Fact]
    public async Task StartAsync_LocalhostPortZero_BindsBothLoopbacksOnOnePort()
    {
        await using var front = Front(Config("http://localhost:0"));
        await front.StartAsync(CancellationToken.None);
        var port = new Uri(Assert.Single(front.Urls)).Port;

        foreach (var address in new[] { IPAddress.Loopback, IPAddress.IPv6Loopback })
        {
            using var client = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            await client.ConnectAsync(new IPEndPoint(address, port));
        }
    }

    private static ProxyFront Front(ClusterHostConfig config) =>
        new(config, new ServerCertificate(config, TimeProvider.System, NullLogger<ServerCertificate>.Instance), TimeProvider.System, NullLoggerFactory.Instance);
}
