using System.ComponentModel;
using System.Diagnostics;

namespace ClusterHost.Primary.Supervision;

/// <summary>
/// A child OS process: started with its output read (by the caller's pumps, or line by line) and
/// its stdin closed (or kept for one message, <see cref="SendAndCloseInput"/>), its exit observed,
/// and killable with every process it started.
/// </summary>
/// <remarks>
/// .NET reaps every child it starts (its SIGCHLD handler waits on them), so an exited child never
/// lingers as a zombie; <see cref="Exited"/> completes after that reap.
/// </remarks>
internal sealed class ChildProcess
{
    /// <summary>How long the last output lines may take after the exit before the pipes are closed.</summary>
    internal static readonly TimeSpan OutputDrainTimeout = TimeSpan.FromSeconds(5);

    private readonly Process _process;
    private readonly TaskCompletionSource<int> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Action _onExited;
    private bool _exitHandled;
    private readonly Lock _gate = new();
    private bool _isReleased;
    private DateTimeOffset? _startTime;

    // Completes once both pumps have ended (the process may exit before they have started).
    private readonly TaskCompletionSource _outputPumped = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // The pipes' read ends. Process.Dispose leaves streams the caller has read to the caller, so
    // they are closed here: each when its pump ends, and both on release (which ends a pump that a
    // grandchild holding the pipe keeps waiting). Left to the finalizer, a pipe per worker
    // accumulated until the next GC.
    private Stream? _output;
    private Stream? _error;
    private StreamWriter? _input; // kept open for SendAndCloseInput; closed on release if never sent

    private ChildProcess(ProcessStartInfo startInfo, Action onExited)
    {
        _onExited = onExited;
        _process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        _process.Exited += (_, _) => OnExited();
    }

    public int Pid { get; private set; }

    /// <summary>Completes with the exit code (-1 if unknown) once the process has exited and been reaped.</summary>
    public Task<int> Exited => _exited.Task;

    /// <summary>
    /// Completes once the output pipes and the process handle are closed: after the last output
    /// line, or <see cref="OutputDrainTimeout"/> after the exit if a grandchild holds the pipes.
    /// </summary>
    public Task Released => _released.Task;

    /// <summary>When the process started, while it runs; kept once read.</summary>
    public DateTimeOffset? StartTime
    {
        get
        {
            if (_startTime is null && !Exited.IsCompleted)
            {
                try
                {
                    _startTime = new DateTimeOffset(_process.StartTime.ToUniversalTime(), TimeSpan.Zero);
                }
                catch (Exception e) when (e is InvalidOperationException or Win32Exception)
                {
                    // Exited in the meantime.
                }
            }
            return _startTime;
        }
    }

    /// <summary>
    /// Starts the process. <paramref name="startInfo"/> must redirect stdin, stdout and stderr.
    /// <paramref name="onExited"/> runs once <see cref="Exited"/> has completed, possibly before
    /// this method returns.
    /// </summary>
    public static ChildProcess Start(ProcessStartInfo startInfo, Action<string> onOutputLine, Action<string> onErrorLine, Action onExited, bool keepInput = false) =>
        Start(startInfo, stream => ReadLinesAsync(stream, onOutputLine), stream => ReadLinesAsync(stream, onErrorLine), onExited, keepInput);

    /// <summary>
    /// Starts the process with <paramref name="pumpOutput"/> and <paramref name="pumpError"/>
    /// reading its stdout and stderr pipes until they end; see the other overload. With
    /// <paramref name="keepInput"/> the child's stdin stays open until <see cref="SendAndCloseInput"/>
    /// (or the primary's own exit, which the child reads as EOF).
    /// </summary>
    public static ChildProcess Start(ProcessStartInfo startInfo, Func<Stream, Task> pumpOutput, Func<Stream, Task> pumpError, Action onExited, bool keepInput = false)
    {
        var child = new ChildProcess(startInfo, onExited);
        child._process.Start();
        child.Pid = child._process.Id;
        child._output = child._process.StandardOutput.BaseStream;
        child._error = child._process.StandardError.BaseStream;
        _ = Task.WhenAll(Pump(pumpOutput, child._output), Pump(pumpError, child._error))
            .ContinueWith(_ => child._outputPumped.TrySetResult(), TaskScheduler.Default);
        if (keepInput)
        {
            child._input = child._process.StandardInput;
        }
        else
        {
            // A server has no use for the primary's terminal; a child that reads stdin sees EOF.
            child._process.StandardInput.Close();
        }
        return child;
    }

    /// <summary>
    /// Writes <paramref name="line"/> and a newline to the child's stdin (kept open at start), then
    /// closes it. False if the child is gone or its stdin was closed already.
    /// </summary>
    public bool SendAndCloseInput(string line)
    {
        lock (_gate)
        {
            if (_isReleased || _input is not { } input)
            {
                return false;
            }
            _input = null;
            try
            {
                input.Write(line);
                input.Write('\n');
                input.Close();
                return true;
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException)
            {
                return false;
            }
        }
    }

    // Under _gate.
    private void CloseInput()
    {
        try
        {
            _input?.Dispose();
        }
        catch (IOException)
        {
            // The child is gone: its end of the pipe with it.
        }
        _input = null;
    }


    /// <summary>
    /// Replaces what runs once the process has exited; runs <paramref name="onExited"/> at once if
    /// it has exited already (and the previous handler has run).
    /// </summary>
    public void SetExitHandler(Action onExited)
    {
        lock (_gate)
        {
            if (!_exitHandled)
            {
                _onExited = onExited;
                return;
            }
        }
        onExited();
    }

    // Off the caller's thread; a pipe closed under the pump (on release) just ends it.
    private static Task Pump(Func<Stream, Task> pump, Stream stream) => Task.Run(async () =>
    {
        try
        {
            await pump(stream).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException)
        {
        }
        finally
        {
            await stream.DisposeAsync().ConfigureAwait(false);
        }
    });

    private static async Task ReadLinesAsync(Stream stream, Action<string> onLine)
    {
        using var reader = new StreamReader(stream);
        while (await reader.ReadLineAsync().ConfigureAwait(false) is { } line)
        {
            onLine(line);
        }
    }

    private void OnExited()
    {
        int code;
        try
        {
            code = _process.ExitCode;
        }
        catch (InvalidOperationException)
        {
            code = -1;
        }
        _exited.TrySetResult(code);
        Action onExited;
        lock (_gate)
        {
            _exitHandled = true;
            onExited = _onExited;
        }
        onExited();
        // Observed through Released, which carries its outcome.
        _ = ReleaseAsync();
    }

    // Closes the output pipes and the process handle once the last output line is read (a
    // grandchild that inherited the pipes could hold them open forever, hence the bound).
    private async Task ReleaseAsync()
    {
        try
        {
            // The output may end before the exit (a child that closed its stdout is still a
            // running child) or, held by a grandchild, long after it.
            await Task.WhenAny(_outputPumped.Task, Task.Delay(OutputDrainTimeout)).ConfigureAwait(false);
            lock (_gate)
            {
                _isReleased = true;
                _output?.Dispose();
                _error?.Dispose();
                CloseInput();
                _process.Dispose();
            }
            _released.TrySetResult();
        }
        catch (Exception e)
        {
            _released.TrySetException(e);
        }
    }

    /// <summary>SIGKILL to the process and every process it started; nothing once it has been released.</summary>
    public void Kill()
    {
        lock (_gate)
        {
            if (_isReleased)
            {
                return;
            }
            try
            {
                _process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // Already exited.
            }
        }
    }
}
