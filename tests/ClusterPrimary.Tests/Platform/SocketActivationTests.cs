using ClusterHost.Primary.Platform;

namespace ClusterHost.Primary.Tests.Platform;

public sealed class SocketActivationTests
{
    private static SocketActivation Read(int pid, List<string> errors, params (string Name, string Value)[] variables)
    {
        var values = variables.ToDictionary(v => v.Name, v => v.Value);
        return SocketActivation.Read(name => values.GetValueOrDefault(name), pid, errors);
    }

    [Fact]
    public void ForThisProcess_GivesDescriptorsFromThree_WithTheirNames()
    {
        var errors = new List<string>();

        var activation = Read(42, errors, ("LISTEN_FDS", "2"), ("LISTEN_PID", "42"), ("LISTEN_FDNAMES", "http:admin"));

        Assert.Empty(errors);
        Assert.True(activation.IsActive);
        Assert.Equal([3, 4], activation.Descriptors);
        Assert.Equal(["http", "admin"], activation.Names);
    }

    [Fact]
    public void WithoutListenPid_IsForThisProcess_AndUnnamed()
    {
        var activation = Read(42, [], ("LISTEN_FDS", "1"));

        Assert.Equal([3], activation.Descriptors);
        Assert.Equal([""], activation.Names);
    }

    [Theory]
    [InlineData("7")]
    [InlineData("not-a-pid")]
    public void ForAnotherProcess_IsIgnored(string listenPid)
    {
        var errors = new List<string>();

        var activation = Read(42, errors, ("LISTEN_FDS", "1"), ("LISTEN_PID", listenPid));

        Assert.False(activation.IsActive);
        Assert.Empty(errors);
    }

    [Fact]
    public void Unset_IsNone() => Assert.Same(SocketActivation.None, Read(42, []));

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("many")]
    public void MalformedCount_IsOneLine(string count)
    {
        var errors = new List<string>();

        var activation = Read(42, errors, ("LISTEN_FDS", count), ("LISTEN_PID", "42"));

        Assert.False(activation.IsActive);
        Assert.Equal($"LISTEN_FDS must be a number of passed sockets from 1 to 64 (got '{count}')", Assert.Single(errors));
    }
}
