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
        var parsed = ClusterCommandLine.Parse(["--bogus", "1", "App.dll", "stray", "--workers"]);

        Assert.Equal(3, parsed.Errors.Count);
        Assert.Contains(parsed.Errors, e => e.StartsWith("unknown option '--bogus'", StringComparison.Ordinal));
        Assert.Contains(parsed.Errors, e => e.StartsWith("unexpected argument 'stray'", StringComparison.Ordinal));
        Assert.Contains(parsed.Errors, e => e.StartsWith("--workers needs a value", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("App.dll", "--workers", "2")]
    [InlineData("--workers", "2", "App.dll")]
    [InlineData("--workers=2", "App.dll")]
    public void App_IsTakenPositionally_BeforeOrAfterTheOptions(params string[] args)
    {
        var parsed = ClusterCommandLine.Parse(args);

        Assert.Empty(parsed.Errors);
        Assert.Equal("App.dll", parsed.Settings["Cluster:App"]);
        Assert.Equal("2", parsed.Settings["Cluster:Workers"]);
        Assert.Empty(parsed.AppArguments);
    }

    [Fact]
    public void App_ByOption_StillWorks()
    {
        var parsed = ClusterCommandLine.Parse(["--app", "./bin/App", "--", "App.dll"]);

        Assert.Empty(parsed.Errors);
        Assert.Equal("./bin/App", parsed.Settings["Cluster:App"]);
        Assert.Equal(["App.dll"], parsed.AppArguments);
    }

    [Fact]
    public void App_GivenPositionallyAndByOption_IsOneClearError()
    {
        var parsed = ClusterCommandLine.Parse(["A.dll", "--app", "B.dll"]);

        var error = Assert.Single(parsed.Errors);
        Assert.Equal("the app is given twice, as APP 'A.dll' and as --app 'B.dll'; give one", error);
    }

    [Fact]
    public void ArgumentsAfterDoubleDash_AreNeverTheApp()
    {
        var parsed = ClusterCommandLine.Parse(["--", "App.dll", "--workers", "2"]);

        Assert.Empty(parsed.Errors);
        Assert.False(parsed.Settings.ContainsKey("Cluster:App"));
        Assert.Equal(["App.dll", "--workers", "2"], parsed.AppArguments);
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
