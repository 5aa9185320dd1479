using ClusterHost.Primary.Operator;

namespace ClusterHost.Primary.Tests.Operator;

public sealed class OperatorSocketTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("clusterhost-op-").FullName;

    [Fact]
    public void Default_IsNamedAfterTheAppAndTheDirectory_AndFoundFromThatDirectory()
    {
        var path = OperatorSocketPath.Default(_directory, "/srv/shop", "/srv/shop/bin/Shop.Api.dll");
        Assert.Equal(Path.Combine(_directory, $"Shop.Api-{OperatorSocketPath.DirectoryHash("/srv/shop/")}.sock"), path);
        Assert.NotEqual(OperatorSocketPath.DirectoryHash("/srv/shop"), OperatorSocketPath.DirectoryHash("/srv/other"));

        File.WriteAllText(path, "");
        File.WriteAllText(OperatorSocketPath.Default(_directory, "/srv/other", "/srv/other/Other.dll"), "");
        Assert.Equal([path], OperatorSocketPath.FindDefaults(_directory, "/srv/shop"));
    }

    [Fact]
    public void Bind_CreatesASocketOnlyItsUserMayUse_AndLeavesNothingElse()
    {
        var path = Path.Combine(_directory, "c.sock");
        using var listener = OperatorSocketBinder.Bind(path);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal([path], Directory.EnumerateFileSystemEntries(_directory));
        Assert.True(OperatorSocketBinder.IsListening(path));
    }

    [Fact]
    public void Bind_OverALiveSocket_IsRefused_AndOverAStaleOne_ReplacesIt()
    {
        var path = Path.Combine(_directory, "c.sock");
        using (var first = OperatorSocketBinder.Bind(path))
        {
            var refused = Assert.Throws<ClusterStartupException>(() => OperatorSocketBinder.Bind(path));
            Assert.Contains("another primary is listening on it", refused.Message, StringComparison.Ordinal);
            Assert.Equal(ExitCodes.Failure, refused.ExitCode);
        }
        // Disposing the listener bound under a temporary name leaves the renamed file: a stale socket.
        Assert.True(File.Exists(path));
        Assert.False(OperatorSocketBinder.IsListening(path));

        using var second = OperatorSocketBinder.Bind(path);
        Assert.True(OperatorSocketBinder.IsListening(path));
    }

    [Fact]
    public void Bind_OverAFileThatIsNotASocket_IsRefused()
    {
        var path = Path.Combine(_directory, "notes.txt");
        File.WriteAllText(path, "keep me");
        var refused = Assert.Throws<ClusterStartupException>(() => OperatorSocketBinder.Bind(path));
        Assert.Contains("exists and is not a socket", refused.Message, StringComparison.Ordinal);
        Assert.Equal("keep me", File.ReadAllText(path));
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
