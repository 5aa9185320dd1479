using ClusterHost.Control;
using ClusterHost.Primary.Balancing;
using ClusterHost.Primary.Configuration;
using ClusterHost.Primary.Control;
using ClusterHost.Primary.Platform;
using ClusterHost.Primary.Supervision;
using Microsoft.Extensions.Logging.Abstractions;

namespace ClusterHost.Primary.Tests.Supervision;

public sealed class WorkerLauncherTests
{
    [Fact]
    public async Task WorkerEnvironment_WithholdsTheSupervisorsVariables_AndNamesTheSlot()
    {
        var config = new ClusterHostConfig
        {
            Workers = 4,
            Urls = ListenUrlParser.Parse("http://127.0.0.1:0", new List<string>()),
            Mode = BalancingMode.ReusePort,
            AppPath = "/app/App.dll",
            ShutdownTimeout = TimeSpan.FromSeconds(7),
            StartTimeout = TimeSpan.FromSeconds(30),
            MaxRestarts = 5,
        };
        using var front = new ReusePortFront(config, new ServerCertificate(config, TimeProvider.System, NullLogger<ServerCertificate>.Instance), NullLogger<ReusePortFront>.Instance);
        await front.StartAsync(CancellationToken.None);
        var slots = new WorkerSlots();
        for (var i = 0; i < 4; i++)
        {
            slots.TryAdd(id => new WorkerSlot(id, new UnusedWorkerLauncher(), front, config, TimeProvider.System, NullLogger.Instance));
        }
        await using var control = new ControlServer(TimeProvider.System, NullLogger<ControlServer>.Instance);
        var launcher = new WorkerLauncher(
            config, front, control, slots, new WorkerHandshakeWatch(config, new ClusterOutcome(), TimeProvider.System), new InheritedListeners(), new WorkerExits(TimeProvider.System));
        var environment = new Dictionary<string, string?>
        {
            ["NOTIFY_SOCKET"] = "/run/systemd/notify",
            ["WATCHDOG_USEC"] = "1000",
            ["LISTEN_FDS"] = "1",
            ["LISTEN_PID"] = "1",
            ["PATH"] = "/usr/bin",
        };

        launcher.ConfigureEnvironment(environment, new WorkerInstance(2, 7), "token");

        Assert.DoesNotContain("NOTIFY_SOCKET", environment.Keys);
        Assert.DoesNotContain("WATCHDOG_USEC", environment.Keys);
        Assert.DoesNotContain("LISTEN_FDS", environment.Keys);
        Assert.DoesNotContain("LISTEN_PID", environment.Keys);
        Assert.Equal("/usr/bin", environment["PATH"]);
        Assert.Equal("2", environment[WorkerEnvironmentVariables.WorkerId]);
        Assert.Equal("4", environment[WorkerEnvironmentVariables.WorkerCount]);
        Assert.Equal("7000", environment[WorkerEnvironmentVariables.ShutdownTimeoutMs]);
        Assert.Equal(WorkerListenModes.ReusePort, environment[WorkerEnvironmentVariables.ListenMode]);
        Assert.StartsWith("127.0.0.1:", environment[WorkerEnvironmentVariables.Listen], StringComparison.Ordinal);
        Assert.DoesNotContain(":0", environment[WorkerEnvironmentVariables.Listen], StringComparison.Ordinal);
        Assert.Equal(control.Address, environment[WorkerEnvironmentVariables.Control]);
    }
}
