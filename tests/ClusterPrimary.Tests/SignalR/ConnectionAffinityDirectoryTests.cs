using ClusterHost.Control;
using ClusterHost.Primary.SignalR;
using ClusterHost.Primary.Supervision;
using Microsoft.Extensions.Logging.Abstractions;

namespace ClusterHost.Primary.Tests.SignalR;

public sealed class ConnectionAffinityDirectoryTests
{
    [Fact]
    public void ConfigureWorker_GivesEachLaunchItsGeneration_AndOnePrivateDirectory_RemovedOnDispose()
    {
        var affinity = new ConnectionAffinityDirectory(NullLogger<ConnectionAffinityDirectory>.Instance);
        var first = new Dictionary<string, string?>();
        var second = new Dictionary<string, string?>();

        affinity.ConfigureWorker(new WorkerInstance(0, 1), first);
        affinity.ConfigureWorker(new WorkerInstance(1, 9), second);

        Assert.Equal("1", first[WorkerEnvironmentVariables.Generation]);
        Assert.Equal("9", second[WorkerEnvironmentVariables.Generation]);
        var directory = first[WorkerEnvironmentVariables.AffinityDirectory]!;
        Assert.Equal(directory, second[WorkerEnvironmentVariables.AffinityDirectory]);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(directory));

        affinity.Dispose();

        Assert.False(Directory.Exists(directory));
    }
}
