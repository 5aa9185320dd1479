using ClusterHost.FunctionalTests.Infrastructure;
using Xunit.Abstractions;

namespace ClusterHost.FunctionalTests.Demonstrations;

/// <summary>
/// The mixed-cost scenario (issue 16), short: the runner starts a proxy cluster with
/// least-requests, drives it open loop with requests of two CPU costs, and writes every request;
/// the checks are made on those raw requests. The figures themselves are the benchmark's
/// (loadtests/bench.sh); this only proves the scenario measures what it says.
/// </summary>
[Collection(LoadSensitive.Name)]
public sealed class MixedCostScenarioTests(ITestOutputHelper output)
{
    private const int Rate = 40;
    private const int DurationSeconds = 2;
    private const int Connections = 16;

    [Fact]
    public async Task OpenLoop_SendsEveryRequestDue_NeverEarly_AndHeavyRequestsCostTheirCpu()
    {
        using var results = new TempDirectory();
        await using var runner = ClusterProcess.StartLoadTests(output,
            "mixed-cost", "--workers", "2", "--mode", "proxy", "--balance", "least-requests",
            "--rate", Rate.ToString(System.Globalization.CultureInfo.InvariantCulture), "--duration", DurationSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--warmup", "0.5", "--connections", Connections.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--heavy-percent", "10", "--json", results.File("run.json"));

        Assert.Equal(0, await runner.WaitForExitAsync(TimeSpan.FromSeconds(120)));
        var run = ScenarioRun.Load(results.File("run.json"));

        var probes = run.Requests.Where(r => r.Kind == "Probe").ToList();
        Assert.Equal(Connections, probes.Count(r => r.Succeeded && r.Path == "/work?us=0"));
        var scheduled = run.Requests.Where(r => r.Kind is "Light" or "Heavy").ToList();
        // 0.5 s of warm-up and 2 s measured at 40 requests/s: 100 due, every one sent and answered.
        Assert.Equal(Rate * 5 / 2, scheduled.Count);
        Assert.All(scheduled, r => Assert.True(r.Succeeded, $"{r.Path} on connection {r.Connection}: {r.Outcome} {r.Status}"));
        Assert.All(scheduled, r => Assert.True(r.IntendedMs is { } due && r.StartMs >= due, $"a request sent at {r.StartMs} ms, due at {r.IntendedMs} ms"));
        var dueTimes = scheduled.Select(r => r.IntendedMs!.Value).Order().ToList();
        Assert.All(dueTimes.Zip(dueTimes.Skip(1)), pair => Assert.Equal(1000.0 / Rate, pair.Second - pair.First, 1));

        var heavy = scheduled.Where(r => r.Kind == "Heavy").ToList();
        var light = scheduled.Where(r => r.Kind == "Light").ToList();
        Assert.NotEmpty(heavy);
        Assert.All(heavy, r => Assert.Equal("/work?us=50000", r.Path));
        Assert.All(light, r => Assert.Equal("/work?us=200", r.Path));
        // 50 ms of CPU time cannot be served in less than 50 ms.
        Assert.All(heavy, r => Assert.True(r.DurationMs >= 50, $"a heavy request answered in {r.DurationMs:0.0} ms"));
        Assert.Equal(2, scheduled.Select(r => r.Worker).Distinct().Count());
        Assert.Contains(runner.Lines, l => l.StartsWith($"verdict: offered {Rate} rps, achieved ", StringComparison.Ordinal));
        await DemonstrationTests.AssertNothingLeftAsync(runner, run);
    }
}
