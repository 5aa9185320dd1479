using System.Diagnostics;
using ClusterHost.Control;

namespace ClusterHost.Primary.Supervision;

/// <summary>
/// A worker OS process: the app's .dll under <c>dotnet</c>, its output forwarded line by line
/// with a <c>[worker N]</c> prefix, and its control connection once it says hello.
/// </summary>
/// <remarks>
/// .NET reaps every child it starts (its SIGCHLD handler waits on them), so an exited worker
/// never lingers as a zombie; <see cref="Exited"/> completes after that reap.
/// </remarks>
internal sealed partial class WorkerProcess : IWorkerProcess
{
    private readonly Process _process;
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<int> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _gate = new();
    private ControlChannel? _channel;
    private TimeSpan? _pendingDrain;
    private volatile string? _fatalError;
    private long _lastHeartbeat;
    private bool _released;

    private long _requests;

    private WorkerProcess(WorkerInstance instance, string token, Process process)
    {
        Instance = instance;
        Token = token;
        _process = process;
    }

    public WorkerInstance Instance { get; }

    public long Requests => Interlocked.Read(ref _requests);

    public WorkerExitReason? EndedBecause { get; set; }

    /// <summary>The secret this launch must present in its hello.</summary>
    public string Token { get; }

    public int Pid { get; private set; }

    public Task Ready => _ready.Task;

    public Task<int> Exited => _exited.Task;

    public string? FatalError => _fatalError;

    /// <summary>Timestamp (<see cref="TimeProvider.GetTimestamp"/>) of the last heartbeat, 0 before the first.</summary>
    public long LastHeartbeat => Interlocked.Read(ref _lastHeartbeat);

    /// <summary>Starts the process.</summary>
    public static WorkerProcess Start(WorkerInstance instance, string token, ProcessStartInfo startInfo, TextWriter output, TextWriter error)
    {
        var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        var worker = new WorkerProcess(instance, token, process);
        var prefix = $"[worker {instance.WorkerId}] ";
        process.OutputDataReceived += (_, e) => Forward(output, prefix, e.Data);
        process.ErrorDataReceived += (_, e) => Forward(error, prefix, e.Data);
        process.Exited += (_, _) => worker.OnExited();
        process.Start();
        worker.Pid = process.Id;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        // A server has no use for the primary's terminal; a worker that reads stdin sees EOF.
        process.StandardInput.Close();
        return worker;
    }

    private static void Forward(TextWriter writer, string prefix, string? line)
    {
        if (line is not null)
        {
            writer.WriteLine(prefix + line);
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
        // Exited first: whoever wakes because Ready was cancelled must already see the exit, or it
        // would take a worker that crashed while starting for one that is still starting.
        _exited.TrySetResult(code);
        _ready.TrySetCanceled();
        _metricsRequests.Close();
        _ = ReleaseAsync();
    }

    /// <summary>How long the last output lines may take after the exit before the pipes are closed.</summary>
    private static readonly TimeSpan OutputDrainTimeout = TimeSpan.FromSeconds(5);

    // Closes the output pipes and the process handle once the last output line is read (a
    // grandchild that inherited the pipes could hold them open forever, hence the bound).
    private async Task ReleaseAsync()
    {
        using var timeout = new CancellationTokenSource(OutputDrainTimeout);
        try
        {
            await _process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        lock (_gate)
        {
            _released = true;
            _process.Dispose();
        }
    }

    /// <summary>The worker said hello with this launch's token.</summary>
    public void Attach(ControlChannel channel)
    {
        TimeSpan? drain;
        lock (_gate)
        {
            _channel = channel;
            drain = _pendingDrain;
        }
        if (drain is { } timeout)
        {
            SendDrain(channel, timeout);
        }
    }

    public void OnMessage(ControlMessage message, long timestamp)
    {
        switch (message.Type)
        {
            case ControlMessageTypes.Ready:
                _ready.TrySetResult();
                Interlocked.Exchange(ref _lastHeartbeat, timestamp);
                break;
            case ControlMessageTypes.Heartbeat:
                Interlocked.Exchange(ref _lastHeartbeat, timestamp);
                if (message.Requests is { } requests)
                {
                    Interlocked.Exchange(ref _requests, requests);
                }
                break;
            case ControlMessageTypes.Fatal:
                _fatalError = message.Message ?? message.Error ?? "unknown error";
                break;
            case ControlMessageTypes.Metrics:
                _metricsRequests.OnResponse(message);
                break;
        }
    }

    public void RequestDrain(TimeSpan timeout)
    {
        ControlChannel? channel;
        lock (_gate)
        {
            channel = _channel;
            if (channel is null)
            {
                // Not connected yet: it drains as soon as it says hello.
                _pendingDrain = timeout;
                return;
            }
        }
        SendDrain(channel, timeout);
    }

    private void SendDrain(ControlChannel channel, TimeSpan timeout)
    {
        if (!channel.TrySend(new ControlMessage { Type = ControlMessageTypes.Drain, TimeoutMs = (int)Math.Min(int.MaxValue, timeout.TotalMilliseconds) }))
        {
            Kill();
        }
    }

    public void Kill()
    {
        lock (_gate)
        {
            if (_released)
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
