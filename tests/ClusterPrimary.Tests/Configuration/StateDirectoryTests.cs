using ClusterHost.Primary.Configuration;

namespace ClusterHost.Primary.Tests.Configuration;

public sealed class StateDirectoryTests
{
    private static string Default(uint uid, params (string Name, string Value)[] variables) =>
        StateDirectory.Default(name => variables.FirstOrDefault(v => v.Name == name).Value, uid);

    [Fact]
    public void Default_IsSystemdsStateDirectory_First() =>
        Assert.Equal("/var/lib/myapp", Default(1000, ("STATE_DIRECTORY", "/var/lib/myapp:/var/lib/other"), ("XDG_STATE_HOME", "/x"), ("HOME", "/")));

    [Fact]
    public void Default_IsUnderXdgStateHome_WhenSet() =>
        Assert.Equal("/x/state/clusterhost", Default(1000, ("XDG_STATE_HOME", "/x/state"), ("HOME", "/")));

    [Fact]
    public void Default_IsUnderHome_WhenHomeExists() =>
        Assert.Equal("/tmp/.local/state/clusterhost", Default(1000, ("HOME", "/tmp")));

    [Theory]
    [InlineData(0u, "/var/lib/clusterhost")]
    [InlineData(1000u, "/tmp/clusterhost-1000")]
    public void Default_WithoutHome_NeedsNoHome(uint uid, string expected)
    {
        Assert.Equal(expected, Default(uid));
        Assert.Equal(expected, Default(uid, ("HOME", "/nonexistent/home")));
        Assert.Equal(expected, Default(uid, ("HOME", "")));
    }

    [Fact]
    public void Default_IgnoresRelativeVariables() =>
        Assert.Equal("/tmp/clusterhost-7", Default(7, ("XDG_STATE_HOME", "state"), ("STATE_DIRECTORY", "rel"), ("HOME", "home")));

    [Theory]
    [InlineData("/app/bin/App.dll")]
    [InlineData("/app/publish/App")]
    public void KeyDirectory_IsNamedAfterTheApp(string appPath) =>
        Assert.Equal("/state/keys/App", StateDirectory.KeyDirectory("/state", appPath));
}
