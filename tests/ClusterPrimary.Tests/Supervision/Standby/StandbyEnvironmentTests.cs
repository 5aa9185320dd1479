using ClusterHost.Primary.Supervision.Standby;

namespace ClusterHost.Primary.Tests.Supervision.Standby;

public sealed class StandbyEnvironmentTests
{
    private static readonly Dictionary<string, string?> Started = new()
    {
        ["PATH"] = "/usr/bin",
        ["DOTNET_gcServer"] = "1",
        ["CLUSTERHOST_CONTROL"] = "@control",
        ["CLUSTERHOST_STANDBY"] = "1",
        ["GONE_SINCE"] = "x",
    };

    [Fact]
    public void Changes_SetWhatIsNewOrDifferent_RemoveWhatIsNoLongerThere_AndTheStandbyMarker()
    {
        var wanted = new Dictionary<string, string?>
        {
            ["PATH"] = "/usr/bin",
            ["DOTNET_gcServer"] = "1",
            ["CLUSTERHOST_CONTROL"] = "@control2",
            ["CLUSTERHOST_WORKER_ID"] = "3",
            ["UNSET_IN_BOTH"] = null,
        };

        var changes = StandbyEnvironment.Changes(Started, wanted, out var blocking);

        Assert.Null(blocking);
        Assert.NotNull(changes);
        Assert.Equal(
            new Dictionary<string, string?>
            {
                ["CLUSTERHOST_CONTROL"] = "@control2",
                ["CLUSTERHOST_WORKER_ID"] = "3",
                ["GONE_SINCE"] = null,
                ["CLUSTERHOST_STANDBY"] = null,
            },
            changes);
    }

    [Theory]
    [InlineData("DOTNET_gcServer", "0")]
    [InlineData("DOTNET_GCHeapCount", "1")]
    [InlineData("COMPlus_TieredPGO", "0")]
    [InlineData("LD_PRELOAD", "/lib/x.so")]
    public void Changes_AreRefused_WhenTheRuntimeWouldHaveReadTheVariableAtStart(string name, string value)
    {
        var wanted = new Dictionary<string, string?>(Started) { [name] = value };
        wanted.Remove("CLUSTERHOST_STANDBY");

        Assert.Null(StandbyEnvironment.Changes(Started, wanted, out var blocking));
        Assert.Equal(name, blocking);
    }

    [Fact]
    public void Changes_AreRefused_WhenARuntimeVariableWouldBeRemoved()
    {
        var wanted = new Dictionary<string, string?>(Started);
        wanted.Remove("DOTNET_gcServer");

        Assert.Null(StandbyEnvironment.Changes(Started, wanted, out var blocking));
        Assert.Equal("DOTNET_gcServer", blocking);
    }

    [Theory]
    [InlineData("DOTNET_STARTUP_HOOKS", true)]
    [InlineData("dotnet_gcServer", true)]
    [InlineData("CORECLR_ENABLE_PROFILING", true)]
    [InlineData("MALLOC_ARENA_MAX", true)]
    [InlineData("ASPNETCORE_URLS", false)]
    [InlineData("CLUSTERHOST_WORKER_ID", false)]
    [InlineData("ConnectionStrings__Db", false)]
    public void IsRuntimeVariable(string name, bool expected) => Assert.Equal(expected, StandbyEnvironment.IsRuntimeVariable(name));
}
