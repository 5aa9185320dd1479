using ClusterHost.LoadTests.Cli;

namespace ClusterHost.LoadTests.Tests.Cli;

public sealed class RunnerCommandLineTests
{
    [Fact]
    public void Parse_ScenarioAlone_UsesTheStatedDefaults()
    {
        var commandLine = RunnerCommandLine.Parse(["blocked-worker"]);

        Assert.Empty(commandLine.Errors);
        var options = commandLine.Options;
        Assert.Equal(ScenarioKind.BlockedWorker, options.Scenario);
        Assert.Equal("reuseport", options.Mode);
        Assert.Null(options.Balance);
        Assert.Equal(Math.Max(2, Environment.ProcessorCount), options.Workers);
        Assert.Null(options.Url);
        Assert.Null(options.JsonPath);
        Assert.EndsWith("loadtests/results/blocked-worker.svg", options.SvgPath, StringComparison.Ordinal);
        Assert.Equal(3, options.BlockSeconds);
        Assert.Equal(20, options.ThinkMs);
        Assert.Null(options.Victim);
        Assert.Equal(16, options.ConnectionsFor(4));
        Assert.Equal(8, options.ConnectionsFor(2));
    }

    [Fact]
    public void Parse_Stickiness_DefaultsToEightConnectionsOfTwentyRequestsAndFortyFresh()
    {
        var options = RunnerCommandLine.Parse(["stickiness"]).Options;

        Assert.Equal(8, options.ConnectionsFor(4));
        Assert.Equal(20, options.Requests);
        Assert.Equal(40, options.Fresh);
    }

    [Fact]
    public void Parse_MixedCost_DefaultsToAClosedLoopOf64ConnectionsAndTheIssuesMix()
    {
        var commandLine = RunnerCommandLine.Parse(["mixed-cost"]);

        Assert.Empty(commandLine.Errors);
        var options = commandLine.Options;
        Assert.Equal(ScenarioKind.MixedCost, options.Scenario);
        Assert.Null(options.Rate);
        Assert.Equal(64, options.ConnectionsFor(2));
        Assert.Equal(10, options.DurationSeconds);
        Assert.Equal(2, options.WarmupSeconds);
        Assert.Equal((200, 50_000, 5.0), (options.LightMicroseconds, options.HeavyMicroseconds, options.HeavyPercent));
        Assert.Equal(17, options.Seed);
        Assert.Equal(300, RunnerCommandLine.Parse(["chaos"]).Options.DurationSeconds);
    }

    [Fact]
    public void Parse_MixedCost_EverySwitch()
    {
        var commandLine = RunnerCommandLine.Parse(
            ["mixed-cost", "--url", "http://127.0.0.1:5000", "--rate", "450.5", "--duration", "3", "--warmup", "0.5",
             "--light-us", "100", "--heavy-us=20000", "--heavy-percent", "2.5", "--seed", "3", "--connections", "16"]);

        Assert.Empty(commandLine.Errors);
        var options = commandLine.Options;
        Assert.Equal(450.5, options.Rate);
        Assert.Equal(3, options.DurationSeconds);
        Assert.Equal(0.5, options.WarmupSeconds);
        Assert.Equal((100, 20_000, 2.5), (options.LightMicroseconds, options.HeavyMicroseconds, options.HeavyPercent));
        Assert.Equal(3, options.Seed);
        Assert.Equal(16, options.ConnectionsFor(2));
        Assert.Null(RunnerCommandLine.Parse(["mixed-cost", "--rate", "max"]).Options.Rate);
    }

    [Fact]
    public void Parse_EverySwitch_BothSpellings()
    {
        var commandLine = RunnerCommandLine.Parse(
            ["crash", "--mode=proxy", "--balance", "least-requests", "--workers", "4", "--json", "out.json",
             "--connections=12", "--think-ms", "5", "--victim", "3"]);

        Assert.Empty(commandLine.Errors);
        var options = commandLine.Options;
        Assert.Equal(ScenarioKind.Crash, options.Scenario);
        Assert.Equal("proxy", options.Mode);
        Assert.Equal("least-requests", options.Balance);
        Assert.Equal(4, options.Workers);
        Assert.Equal("out.json", options.JsonPath);
        Assert.Equal(12, options.ConnectionsFor(4));
        Assert.Equal(5, options.ThinkMs);
        Assert.Equal(3, options.Victim);
    }

    [Theory]
    [InlineData("http://127.0.0.1:8080")]
    [InlineData("http://[::1]:8080/")]
    [InlineData("http://localhost:9000")]
    public void Parse_LoopbackUrl_IsAccepted(string url)
    {
        var commandLine = RunnerCommandLine.Parse(["stickiness", "--url", url]);

        Assert.Empty(commandLine.Errors);
        Assert.Equal(new Uri(url), commandLine.Options.Url);
    }

    [Theory]
    [InlineData("no scenario given", "--workers", "2")]
    [InlineData("unknown scenario 'bogus'; allowed: stickiness, blocked-worker, crash", "bogus")]
    [InlineData("unexpected argument 'crash'", "stickiness", "crash")]
    [InlineData("unknown option '--bogus'", "stickiness", "--bogus", "1")]
    [InlineData("--workers must be from 2 to 64 (got '1')", "stickiness", "--workers", "1")]
    [InlineData("--workers must be a whole number (got 'many')", "stickiness", "--workers", "many")]
    [InlineData("--mode must be one of reuseport, shared, handoff, proxy (got 'sticky')", "stickiness", "--mode", "sticky")]
    [InlineData("--balance must be one of round-robin, least-requests, power-of-two, random (got 'sticky')", "stickiness", "--mode", "proxy", "--balance", "sticky")]
    [InlineData("--url must be http://127.0.0.1:PORT", "stickiness", "--url", "http://example.com:80")]
    [InlineData("--url must be http://127.0.0.1:PORT", "stickiness", "--url", "https://127.0.0.1:443")]
    [InlineData("--url must be http://127.0.0.1:PORT", "stickiness", "--url", "http://127.0.0.1:80/path")]
    [InlineData("--connections must be from 1 to 256 (got '0')", "stickiness", "--connections", "0")]
    [InlineData("--block-seconds must be a number of seconds from 0.5 to 30 (got '31')", "blocked-worker", "--block-seconds", "31")]
    [InlineData("--think-ms must be from 0 to 1000 (got '-1')", "crash", "--think-ms", "-1")]
    [InlineData("--workers needs a value: --workers N", "stickiness", "--workers")]
    [InlineData("--requests applies to stickiness, not blocked-worker", "blocked-worker", "--requests", "5")]
    [InlineData("--block-seconds applies to blocked-worker, not crash", "crash", "--block-seconds", "2")]
    [InlineData("--victim applies to blocked-worker and crash, not stickiness", "stickiness", "--victim", "1")]
    [InlineData("--workers configures the cluster the runner starts; it cannot be combined with --url", "stickiness", "--url", "http://127.0.0.1:1", "--workers", "2")]
    [InlineData("--balance applies to --mode proxy only", "stickiness", "--balance", "random")]
    [InlineData("--victim must be a worker of the cluster, 0 to 1 (got 2)", "crash", "--workers", "2", "--victim", "2")]
    [InlineData("--rate must be requests per second from 1 to 50000, or max (got '0')", "mixed-cost", "--rate", "0")]
    [InlineData("--rate must be requests per second from 1 to 50000, or max (got 'fast')", "mixed-cost", "--rate", "fast")]
    [InlineData("--rate applies to mixed-cost, not stickiness", "stickiness", "--rate", "100")]
    [InlineData("--heavy-us must be from 0 to 100000 (got '100001')", "mixed-cost", "--heavy-us", "100001")]
    [InlineData("--heavy-percent must be a percentage from 0 to 100 (got '101')", "mixed-cost", "--heavy-percent", "101")]
    [InlineData("--warmup must be a number of seconds from 0 to 60 (got '61')", "mixed-cost", "--warmup", "61")]
    [InlineData("--duration must be from 10 to 86400 for chaos (got '5')", "chaos", "--duration", "5")]
    [InlineData("--duration must be from 1 to 3600 for mixed-cost (got '3601')", "mixed-cost", "--duration", "3601")]
    [InlineData("--duration applies to chaos and mixed-cost, not crash", "crash", "--duration", "5")]
    public void Parse_BadArguments_NameTheProblemInOneLine(string expected, params string[] args)
    {
        var commandLine = RunnerCommandLine.Parse(args);

        var error = Assert.Single(commandLine.Errors);
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error);
    }

    [Fact]
    public void Parse_SeveralProblems_ReportsEach()
    {
        var commandLine = RunnerCommandLine.Parse(["stickiness", "--workers", "0", "--think-ms", "x", "--bogus"]);

        Assert.Equal(3, commandLine.Errors.Count);
    }

    [Fact]
    public void Parse_Help_ShowsHelpWithoutErrors()
    {
        Assert.True(RunnerCommandLine.Parse(["--help"]).ShowHelp);
        Assert.Empty(RunnerCommandLine.Parse(["crash", "-h"]).Errors);
        Assert.Contains("blocked-worker", RunnerHelp.Build(), StringComparison.Ordinal);
    }

    [Fact]
    public void Help_ListsEverySwitch()
    {
        var help = RunnerHelp.Build();

        Assert.All(RunnerSwitches.All, option => Assert.Contains(option.Name, help, StringComparison.Ordinal));
    }
}
