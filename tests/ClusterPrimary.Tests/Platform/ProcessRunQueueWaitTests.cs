using System.Diagnostics;
using ClusterHost.Primary.Platform;

namespace ClusterHost.Primary.Tests.Platform;

public sealed class ProcessRunQueueWaitTests
{
    [Fact]
    public void Read_ForThisProcess_IsKnownAndNeverShrinks()
    {
        var first = ProcessRunQueueWait.Read(Environment.ProcessId);
        var second = ProcessRunQueueWait.Read(Environment.ProcessId);

        Assert.NotNull(first);
        Assert.True(first >= TimeSpan.Zero);
        Assert.True(second >= first);
    }

    [Fact]
    public void Read_ForAReapedProcess_IsNull()
    {
        using var gone = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        gone.WaitForExit();

        Assert.Null(ProcessRunQueueWait.Read(gone.Id));
    }
}
