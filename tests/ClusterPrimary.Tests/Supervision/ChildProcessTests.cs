using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using ClusterHost.Primary.Supervision;
using ClusterHost.Primary.Tests.TestUtilities;

namespace ClusterHost.Primary.Tests.Supervision;

public sealed class ChildProcessTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private readonly ConcurrentQueue<string> _output = new();
    private readonly ConcurrentQueue<string> _error = new();
    private int _exitCallbacks;

    private ChildProcess Start(string script) =>
        ChildProcess.Start(ShellScript.StartInfo(script), _output.Enqueue, _error.Enqueue, () => Interlocked.Increment(ref _exitCallbacks));

    [Fact]
    public async Task Exited_CarriesTheExitCode_AndEveryOutputLineIsForwardedByRelease()
    {
        var child = Start("echo one; echo two >&2; echo three; exit 3");

        Assert.Equal(3, await child.Exited.WaitAsync(Bound));
        await child.Released.WaitAsync(Bound);

        Assert.Equal(["one", "three"], _output);
        Assert.Equal(["two"], _error);
        Assert.Equal(1, _exitCallbacks);
    }

    [Fact]
    public async Task Stdin_IsClosed()
    {
        var child = Start("cat; echo eof");

        Assert.Equal(0, await child.Exited.WaitAsync(Bound));
        await child.Released.WaitAsync(Bound);
        Assert.Equal(["eof"], _output);
    }

    [Fact]
    public async Task KeptInput_CarriesOneLine_ThenEnds()
    {
        var child = ChildProcess.Start(ShellScript.StartInfo("read line; echo \"got $line\"; cat; echo eof"),
            _output.Enqueue, _error.Enqueue, () => Interlocked.Increment(ref _exitCallbacks), keepInput: true);

        Assert.True(child.SendAndCloseInput("{\"A\":null}"));

        Assert.Equal(0, await child.Exited.WaitAsync(Bound));
        await child.Released.WaitAsync(Bound);
        Assert.Equal(["got {\"A\":null}", "eof"], _output);
        Assert.False(child.SendAndCloseInput("again"));
    }

    [Fact]
    public async Task SetExitHandler_ReplacesTheHandler_OrRunsAtOnceAfterTheExit()
    {
        var child = Start("read line; exit 0");
        var replaced = 0;
        child.SetExitHandler(() => Interlocked.Increment(ref replaced));

        Assert.Equal(0, await child.Exited.WaitAsync(Bound));
        await child.Released.WaitAsync(Bound);
        Assert.Equal(0, _exitCallbacks);
        Assert.Equal(1, replaced);

        var late = 0;
        child.SetExitHandler(() => late++);
        Assert.Equal(1, late);
    }

    [Fact]
    public async Task Kill_EndsTheProcessAndEveryProcessItStarted()
    {
        var grandchildStarted = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var child = ChildProcess.Start(
            ShellScript.StartInfo("sleep 300 & echo $!; wait"),
            line => grandchildStarted.TrySetResult(int.Parse(line, CultureInfo.InvariantCulture)),
            _ => { },
            () => { });
        var grandchild = 0;
        var grandchildGone = false;
        try
        {
            grandchild = await grandchildStarted.Task.WaitAsync(Bound);
            Assert.NotNull(child.StartTime);

            child.Kill();

            Assert.Equal(137, await child.Exited.WaitAsync(Bound));
            await WaitUntilGoneAsync(grandchild);
            grandchildGone = true;
        }
        finally
        {
            child.Kill();
            if (grandchild != 0 && !grandchildGone)
            {
                TryKill(grandchild); // only while it is still ours: a gone pid may be reused
            }
        }
    }

    [Fact]
    public async Task Kill_AfterRelease_DoesNothing()
    {
        var child = Start("exit 0");
        await child.Exited.WaitAsync(Bound);
        await child.Released.WaitAsync(Bound);

        child.Kill();

        Assert.Null(child.StartTime); // never read while it ran, and it no longer runs
    }

    // Gone, or a zombie awaiting its (new) parent's reap: either way it no longer runs.
    private static async Task WaitUntilGoneAsync(int pid)
    {
        using var timeout = new CancellationTokenSource(Bound);
        while (true)
        {
            string stat;
            try
            {
                stat = await File.ReadAllTextAsync($"/proc/{pid}/stat", timeout.Token);
            }
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
            {
                return;
            }
            if (stat[(stat.LastIndexOf(')') + 2)..].StartsWith('Z'))
            {
                return;
            }
            await Task.Delay(20, timeout.Token);
        }
    }

    private static void TryKill(int pid)
    {
        try
        {
            Process.GetProcessById(pid).Kill();
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
        }
    }
}
