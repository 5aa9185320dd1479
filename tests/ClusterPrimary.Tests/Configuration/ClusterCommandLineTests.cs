using ClusterHost.Primary.Configuration;

namespace ClusterHost.Primary.Tests.Configuration;

public sealed class ClusterCommandLineTests
{
    [Fact]
    public void Options_BecomeClusterSettings_AndArgumentsAfterDoubleDash_GoToTheApp()
    {
        var parsed = ClusterCommandLine.Parse(["--workers", "4", "--urls=http://0.0.0.0:9000", "--", "--MyApp:Option=1", "x"]);

        Assert.Empty(parsed.Errors);
        Assert.Equal("4", parsed.Settings["Cluster:Workers"]);
        Assert.Equal("http://0.0.0.0:9000", parsed.Settings["Cluster:Urls"]);
        Assert.Equal(["--MyApp:Option=1", "x"], parsed.AppArguments);
    }

    [Fact]
    public void EveryProblem_IsReported_NotJustTheFirst()
    {
        var parsed = ClusterCommandLine.Parse(["--bogus", "1", "stray", "--workers"]);

        Assert.Equal(3, parsed.Errors.Count);
        Assert.Contains(parsed.Errors, e => e.StartsWith("unknown option '--bogus'", StringComparison.Ordinal));
        Assert.Contains(parsed.Errors, e => e.StartsWith("unexpected argument 'stray'", StringComparison.Ordinal));
        Assert.Contains(parsed.Errors, e => e.StartsWith("--workers needs a value", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    public void Help_IsRecognised(string flag) => Assert.True(ClusterCommandLine.Parse([flag]).ShowHelp);

    [Fact]
    public void HelpText_ListsEveryOptionOfTheTable()
    {
        var help = HelpText.Build();

        Assert.All(ClusterOptionTable.All, option => Assert.Contains($"{option.Switch} {option.ValueName}", help, StringComparison.Ordinal));
    }
}
