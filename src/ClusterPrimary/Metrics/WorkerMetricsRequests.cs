using ClusterHost.Control;
using ClusterHost.Metrics;

namespace ClusterHost.Primary.Metrics;

/// <summary>
/// The metrics requests to one worker, single-flight: a new <c>metrics-request</c> is sent only
/// when the previous one has been answered. A stopped or hung worker therefore has at most one
/// request queued on its socket however often it is scraped, and answers it when it resumes.
/// </summary>
internal sealed class WorkerMetricsRequests
{
    private readonly Lock _gate = new();
    private long _lastId;
    private TaskCompletionSource<WorkerMetricsSnapshot?>? _pending;
    private bool _closed;

    /// <summary>The app version of the latest answer.</summary>
    public string? AppVersion { get; private set; }

    /// <param name="send">Sends the request; false when the channel is gone.</param>
    public Task<WorkerMetricsSnapshot?> Request(Func<ControlMessage, bool> send)
    {
        TaskCompletionSource<WorkerMetricsSnapshot?> pending;
        long id;
        lock (_gate)
        {
            if (_closed)
            {
                return Task.FromResult<WorkerMetricsSnapshot?>(null);
            }
            if (_pending is { Task.IsCompleted: false } inFlight)
            {
                return inFlight.Task;
            }
            pending = _pending = new TaskCompletionSource<WorkerMetricsSnapshot?>(TaskCreationOptions.RunContinuationsAsynchronously);
            id = ++_lastId;
        }
        if (!send(new MetricsRequestMessage(id)))
        {
            pending.TrySetResult(null);
        }
        return pending.Task;
    }

    /// <summary>A <c>metrics</c> answer arrived; completes the request it answers.</summary>
    public void OnResponse(MetricsMessage message)
    {
        TaskCompletionSource<WorkerMetricsSnapshot?>? pending;
        lock (_gate)
        {
            if (message.Id != _lastId || _pending is null)
            {
                return;
            }
            pending = _pending;
            if (message.Metrics?.AppVersion is { } version)
            {
                AppVersion = version;
            }
        }
        pending.TrySetResult(message.Metrics);
    }

    /// <summary>The worker is gone: the pending request, and any later one, completes with null.</summary>
    public void Close()
    {
        TaskCompletionSource<WorkerMetricsSnapshot?>? pending;
        lock (_gate)
        {
            _closed = true;
            pending = _pending;
        }
        pending?.TrySetResult(null);
    }
}
