using ClusterHost.Primary.Balancing.Proxy;

namespace ClusterHost.Primary.Tests.Balancing.Proxy;

public sealed class WorkerRuntimeDirectoryTests : IDisposable
{
    private readonly string _base = Directory.CreateTempSubdirectory("clusterhost-tests-").FullName;

    public void Dispose() => Directory.Delete(_base, recursive: true);

    [Fact]
    public void Create_MakesAPrivateDirectoryNamedWithThePid_AndDisposeRemovesIt()
    {
        string path;
        using (var directory = WorkerRuntimeDirectory.Create(_base, 4242, _ => true, 22))
        {
            path = directory.Path;
            Assert.Equal(_base, Path.GetDirectoryName(path));
            Assert.Matches(@"^clusterhost-4242-[0-9a-f]{8}$", Path.GetFileName(path));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(path));
            File.WriteAllText(Path.Combine(path, "w0-1.sock"), "");
        }

        Assert.False(Directory.Exists(path));
    }

    [Fact]
    public void Create_RemovesDirectoriesOfDeadPrimaries_AndKeepsLiveOnesAndOthers()
    {
        var dead = Directory.CreateDirectory(Path.Combine(_base, "clusterhost-100-0badc0de")).FullName;
        File.WriteAllText(Path.Combine(dead, "w0-1.sock"), "");
        var live = Directory.CreateDirectory(Path.Combine(_base, "clusterhost-200-00c0ffee")).FullName;
        var unrelated = Directory.CreateDirectory(Path.Combine(_base, "clusterhost-notes")).FullName;
        var target = Directory.CreateDirectory(Path.Combine(_base, "elsewhere")).FullName;
        var link = Path.Combine(_base, "clusterhost-300-0000abcd");
        Directory.CreateSymbolicLink(link, target);

        using var directory = WorkerRuntimeDirectory.Create(_base, 4242, pid => pid == 200, 22);

        Assert.False(Directory.Exists(dead));
        Assert.True(Directory.Exists(live));
        Assert.True(Directory.Exists(unrelated));
        Assert.True(Directory.Exists(link));
        Assert.True(Directory.Exists(target));
        Assert.Equal([(dead, 100)], directory.RemovedStale);
    }

    [Fact]
    public void Create_TooLongForUnixSocketPaths_IsAStartupError()
    {
        var deep = Directory.CreateDirectory(Path.Combine(_base, new string('d', 90))).FullName;

        var error = Assert.Throws<ClusterStartupException>(() => WorkerRuntimeDirectory.Create(deep, 4242, _ => true, 22));

        Assert.Equal(1, error.ExitCode);
        Assert.Contains("--proxy-transport tcp", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void IsProcessAlive_KnowsThisProcess()
    {
        Assert.True(WorkerRuntimeDirectory.IsProcessAlive(Environment.ProcessId));
        Assert.False(WorkerRuntimeDirectory.IsProcessAlive(int.MaxValue));
    }
}
