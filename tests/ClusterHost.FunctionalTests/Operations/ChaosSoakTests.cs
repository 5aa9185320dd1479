using System.Text.RegularExpressions;
using ClusterHost.FunctionalTests.Demonstrations;
using ClusterHost.FunctionalTests.Infrastructure;
using Xunit.Abstractions;

namespace ClusterHost.FunctionalTests.Operations;

/// <summary>
/// Issue 17, acceptance 4: the CI version of the chaos soak, 40 s in all (20 s per mode), with 0
/// defects; loadtests/results/chaos-*.md holds the 5-minute runs.
/// </summary>
[Collection(LoadSensitive.Name)]
public sealed class ChaosSoakTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("reuseport")]
    [InlineData("proxy")]
    public async Task TwentySecondsOfChaos_UnderNonRetryingClients_HasNoDefect(string mode)
    {
        var json = Path.Combine(Path.GetTempPath(), $"clusterhost-chaos-{Guid.NewGuid():N}.json");
        try
        {
            await using var runner = ClusterProcess.StartLoadTests(output,
                "chaos", "--mode", mode, "--workers", "2", "--duration", "20", "--seed", "17", "--json", json);

            var exit = await runner.WaitForExitAsync(TimeSpan.FromSeconds(150));

            Assert.Contains(runner.Lines, l => Regex.IsMatch(l, @"^verdict: 0 defects: \d+ requests"));
            Assert.Equal(0, exit);
            Assert.True(File.Exists(json));
            await DemonstrationTests.AssertNothingLeftAsync(runner, run: null);
        }
        finally
        {
            File.Delete(json);
        }
    }
}
