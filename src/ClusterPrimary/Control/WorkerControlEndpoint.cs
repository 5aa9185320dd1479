using ClusterHost.Control;
using ClusterHost.Metrics;
using ClusterHost.Primary.Metrics;

namespace ClusterHost.Primary.Control;

/// <summary>
/// The primary's end of one worker launch's control channel: what the worker has said (ready,
/// heartbeats, a fatal error, metrics answers) and what the primary asks of it (drain, metrics).
/// The <see cref="ControlServer"/> attaches the channel once the worker's hello proves it is this
/// launch; until then a drain waits and metrics requests answer null.
/// </summary>
internal sealed class WorkerControlEndpoint
{
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly WorkerMetricsRequests _metricsRequests = new();
    private readonly CancellationTokenSource _closed = new();
    private readonly Action _onDrainUndeliverable;
    private readonly Lock _gate = new();
    private ControlChannel? _channel;
    private TimeSpan? _pendingDrain;
    private volatile string? _fatalError;
    private long _lastHeartbeat;
    private long _requests;

    /// <param name="token">The secret this launch must present in its hello.</param>
    /// <param name="onDrainUndeliverable">Called when a drain cannot be sent (the channel broke): the caller ends the process another way.</param>
    public WorkerControlEndpoint(string token, Action onDrainUndeliverable)
    {
        Token = token;
        _onDrainUndeliverable = onDrainUndeliverable;
        Closed = _closed.Token;
    }

    /// <summary>The secret this launch must present in its hello.</summary>
    public string Token { get; }

    /// <summary>Cancelled by <see cref="Close"/>, once the process has exited.</summary>
    public CancellationToken Closed { get; }

    /// <summary>True once a channel is attached.</summary>
    public bool IsAttached
    {
        get
        {
            lock (_gate)
            {
                return _channel is not null;
            }
        }
    }

    /// <summary>Completes when the worker reports <c>ready</c>; cancelled if it closes first.</summary>
    public Task Ready => _ready.Task;

    /// <summary>Set when the worker reported it cannot serve.</summary>
    public string? FatalError => _fatalError;

    /// <summary>Timestamp (<see cref="TimeProvider.GetTimestamp"/>) of the last ready or heartbeat, 0 before the first.</summary>
    public long LastHeartbeat => Interlocked.Read(ref _lastHeartbeat);

    /// <summary>Requests the worker has served, as of its last heartbeat.</summary>
    public long Requests => Interlocked.Read(ref _requests);

    /// <summary>The app version of the worker's latest metrics answer.</summary>
    public string? AppVersion => _metricsRequests.AppVersion;

    /// <summary>The worker said hello with this launch's token: send it any pending drain.</summary>
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

    /// <summary>A message from the worker, received at <paramref name="timestamp"/>.</summary>
    public void OnMessage(ControlMessage message, long timestamp)
    {
        switch (message)
        {
            case ReadyMessage:
                _ready.TrySetResult();
                Interlocked.Exchange(ref _lastHeartbeat, timestamp);
                break;
            case HeartbeatMessage heartbeat:
                Interlocked.Exchange(ref _lastHeartbeat, timestamp);
                Interlocked.Exchange(ref _requests, heartbeat.Requests);
                break;
            case FatalMessage fatal:
                _fatalError = fatal.Message;
                break;
            case MetricsMessage metrics:
                _metricsRequests.OnResponse(metrics);
                break;
        }
    }

    /// <summary>Asks the worker to drain within <paramref name="timeout"/>; if it has not said hello yet, as soon as it does.</summary>
    public void RequestDrain(TimeSpan timeout)
    {
        ControlChannel? channel;
        lock (_gate)
        {
            channel = _channel;
            if (channel is null)
            {
                _pendingDrain = timeout;
                return;
            }
        }
        SendDrain(channel, timeout);
    }

    private void SendDrain(ControlChannel channel, TimeSpan timeout)
    {
        if (!channel.TrySend(DrainMessage.Within(timeout)))
        {
            _onDrainUndeliverable();
        }
    }

    /// <summary>Asks the worker for its metrics; see <see cref="IWorkerMetricsSource.RequestMetricsAsync"/>.</summary>
    public Task<WorkerMetricsSnapshot?> RequestMetricsAsync()
    {
        ControlChannel? channel;
        lock (_gate)
        {
            channel = _channel;
        }
        return channel is null
            ? Task.FromResult<WorkerMetricsSnapshot?>(null)
            : _metricsRequests.Request(channel.TrySend);
    }

    /// <summary>
    /// The process has exited: <see cref="Ready"/> is cancelled unless it completed, metrics
    /// requests answer null, and <see cref="Closed"/> fires.
    /// </summary>
    public void Close()
    {
        _ready.TrySetCanceled();
        _metricsRequests.Close();
        _closed.Cancel();
    }
}
