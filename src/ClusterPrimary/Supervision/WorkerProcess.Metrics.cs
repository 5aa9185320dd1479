using ClusterHost.Control;
using ClusterHost.Metrics;
using ClusterHost.Primary.Metrics;

namespace ClusterHost.Primary.Supervision;

/// <summary>The worker process as a source of metrics for the primary's <c>/metrics</c>.</summary>
internal sealed partial class WorkerProcess : IWorkerMetricsSource
{
    private readonly WorkerMetricsRequests _metricsRequests = new();
    private DateTimeOffset? _startTime;

    public string? AppVersion => _metricsRequests.AppVersion;

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
                catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
                {
                    // Exited in the meantime.
                }
            }
            return _startTime;
        }
    }

    public Task<WorkerMetricsSnapshot?> RequestMetricsAsync()
    {
        ControlChannel? channel;
        lock (_gate)
        {
            channel = _channel;
        }
        return channel is null || Exited.IsCompleted
            ? Task.FromResult<WorkerMetricsSnapshot?>(null)
            : _metricsRequests.Request(channel.TrySend);
    }
}
