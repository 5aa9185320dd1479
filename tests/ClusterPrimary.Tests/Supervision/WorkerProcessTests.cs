using ClusterHost.Primary.Supervision;
using ClusterHost.Primary.Tests.TestUtilities;

namespace ClusterHost.Primary.Tests.Supervision;

public sealed class WorkerProcessTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task AWorkerThatExitsBeforeReady_IsSeenExited_WhenItsReadyIsCancelled()
    {
        var output = new OutputSink(new MemoryStream());
        var error = new OutputSink(new MemoryStream());
        var worker = WorkerProcess.Start(new WorkerInstance(2, 1), "token", ShellScript.StartInfo("echo starting; echo failed >&2; exit 4"), output, error);
        try
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => worker.Ready.WaitAsync(Bound));

            Assert.True(worker.Exited.IsCompleted); // a crash while starting, not a slow start
            Assert.Equal(4, await worker.Exited);
            Assert.Null(await worker.RequestMetricsAsync().WaitAsync(Bound));
            Assert.True(worker.Control.Closed.IsCancellationRequested);
        }
        finally
        {
            worker.Kill();
        }
    }

    [Fact]
    public async Task Output_IsForwardedWithTheWorkerPrefix()
    {
        var output = new MemoryStream();
        var error = new MemoryStream();
        static string Read(MemoryStream stream) => System.Text.Encoding.UTF8.GetString(stream.ToArray());
        var worker = WorkerProcess.Start(new WorkerInstance(5, 1), "token", ShellScript.StartInfo("echo hello; echo trouble >&2"), new OutputSink(output), new OutputSink(error));

        await worker.Exited.WaitAsync(Bound);
        await WaitForAsync(() => Read(output).Contains('\n') && Read(error).Contains('\n'));

        Assert.Equal("[worker 5] hello\n", Read(output));
        Assert.Equal("[worker 5] trouble\n", Read(error));
    }

    [Fact]
    public async Task Kill_EndsARunningWorker()
    {
        var worker = WorkerProcess.Start(new WorkerInstance(0, 1), "token", ShellScript.StartInfo("exec sleep 300"), new OutputSink(Stream.Null), new OutputSink(Stream.Null));
        try
        {
            Assert.True(worker.Pid > 0);
            Assert.NotNull(worker.StartTime);

            worker.Kill();

            Assert.Equal(137, await worker.Exited.WaitAsync(Bound));
        }
        finally
        {
            worker.Kill();
        }
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(Bound);
        while (!condition())
        {
            await Task.Delay(20, timeout.Token);
        }
    }
}
