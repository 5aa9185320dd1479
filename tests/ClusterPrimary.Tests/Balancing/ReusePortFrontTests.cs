using ClusterHost.Control;
using ClusterHost.Primary.Balancing;
using ClusterHost.Primary.Configuration;
using ClusterHost.Primary.Supervision;
using ClusterHost.Primary.Tests.TestUtilities;
using Microsoft.Extensions.Logging.Abstractions;

namespace ClusterHost.Primary.Tests.Balancing;

public sealed class ReusePortFrontTests
{
    private static ReusePortFront Front(string urls) => Front(new ClusterHostConfig
    {
        Workers = 2,
        Urls = ListenUrlParser.Parse(urls, new List<string>()),
        Mode = BalancingMode.ReusePort,
        AppPath = "/app/App.dll",
        ShutdownTimeout = TimeSpan.FromSeconds(5),
        StartTimeout = TimeSpan.FromSeconds(30),
        MaxRestarts = 5,
    });

    private static ReusePortFront Front(ClusterHostConfig config) =>
        new(config, new ServerCertificate(config, TimeProvider.System, NullLogger<ServerCertificate>.Instance), NullLogger<ReusePortFront>.Instance);

    [Fact]
    public async Task ConfigureWorker_TellsTheWorkerEveryReservedEndpoint()
    {
        using var front = Front("http://localhost:0");
        await front.StartAsync(CancellationToken.None);
        var port = new Uri(Assert.Single(front.Urls)).Port;
        var environment = new Dictionary<string, string?>();

        front.ConfigureWorker(new WorkerInstance(0, 1), environment);

        Assert.Equal(WorkerListenModes.ReusePort, environment[WorkerEnvironmentVariables.ListenMode]);
        Assert.Equal($"127.0.0.1:{port};[::1]:{port}", environment[WorkerEnvironmentVariables.Listen]);
    }

    [Fact]
    public async Task StartAsync_PortInUse_IsTheSameLineAsEveryMode()
    {
        using var squatter = new PortSquatter();
        var port = squatter.Port;
        using var front = Front($"http://127.0.0.1:{port}");

        var error = await Assert.ThrowsAsync<ClusterStartupException>(() => front.StartAsync(CancellationToken.None));

        Assert.Equal(ExitCodes.Failure, error.ExitCode);
        Assert.Equal($"http://127.0.0.1:{port} (127.0.0.1:{port}) is already in use by another program; stop it or choose another port with --urls", error.Message);
    }
}
