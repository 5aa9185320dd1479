using ClusterHost.FunctionalTests.Infrastructure;
using Xunit.Abstractions;

namespace ClusterHost.FunctionalTests.Configuration;

public sealed class InvalidInputTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("unknown option '--bogus'", "--bogus", "1")]
    [InlineData("--workers must be from 1 to 1024 (got 0)", "--workers", "0")]
    [InlineData("--workers must be a whole number (got 'many')", "--workers", "many")]
    [InlineData("--mode must be one of reuseport", "--mode", "foo")]
    [InlineData("--urls has 'http://127.0.0.1:99999'", "--urls", "http://127.0.0.1:99999")]
    [InlineData("--urls has 'not a url'", "--urls", "not a url")]
    [InlineData("--app file '/nonexistent/App.dll' does not exist", "--app", "/nonexistent/App.dll")]
    [InlineData("--shutdown-timeout must be from 0 to 3600 seconds (got -1)", "--shutdown-timeout", "-1")]
    [InlineData("--workers needs a value", "--workers")]
    public async Task InvalidOption_PrintsOneLine_ExitsTwo_StartsNothing(string expected, params string[] args)
    {
        await using var primary = ClusterProcess.StartPrimary(output, args);

        Assert.Equal(2, await primary.WaitForExitAsync());
        var error = Assert.Single(primary.StandardError);
        Assert.StartsWith("clusterhost: ", error, StringComparison.Ordinal);
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.DoesNotContain(primary.Lines, l => l.Contains("starting (pid", StringComparison.Ordinal));
    }

    [Fact]
    public async Task InvalidEnvironmentSetting_IsReportedLikeTheSwitch()
    {
        await using var primary = ClusterProcess.StartPrimary(output, new Dictionary<string, string> { ["Cluster__Workers"] = "0" });

        Assert.Equal(2, await primary.WaitForExitAsync());
        Assert.Contains("--workers must be from 1 to 1024 (got 0)", Assert.Single(primary.StandardError), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PortInUse_PrintsOneLine_ExitsOne_StartsNoWorker()
    {
        using var occupied = new OccupiedPort();

        await using var primary = ClusterProcess.StartPrimary(output, "--urls", occupied.Url);

        Assert.Equal(1, await primary.WaitForExitAsync());
        Assert.Contains("is already in use", Assert.Single(primary.StandardError), StringComparison.Ordinal);
        Assert.DoesNotContain(primary.Lines, l => l.Contains("starting (pid", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Help_ListsEveryOptionWithItsDefault()
    {
        await using var primary = ClusterProcess.StartPrimary(output, "--help");

        Assert.Equal(0, await primary.WaitForExitAsync());
        foreach (var option in new[] { "--workers N", "--urls URL", "--mode MODE", "--app PATH", "--shutdown-timeout SECONDS", "--start-timeout SECONDS", "--max-restarts N" })
        {
            Assert.Contains(primary.Lines, l => l.Contains(option, StringComparison.Ordinal) && l.Contains("(default: ", StringComparison.Ordinal));
        }
    }
}
