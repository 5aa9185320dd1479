using Microsoft.Extensions.Logging;

namespace ClusterHost.Primary.Control;

/// <summary>
/// Logs rejected control connections once per cause and period: the first one at once, then,
/// at the next one after <see cref="Period"/>, how many were rejected in between. A local
/// process that hammers the socket cannot flood the log.
/// </summary>
internal sealed class ControlRejectionLog(TimeProvider time, ILogger logger)
{
    /// <summary>At most one line per cause per this period: 60 s.</summary>
    internal static readonly TimeSpan Period = TimeSpan.FromSeconds(60);

    private readonly Lock _gate = new();
    private readonly Dictionary<ControlRejection, (long LoggedAt, int Suppressed)> _causes = [];
    private readonly Dictionary<ControlRejection, int> _counts = [];

    /// <summary>Rejections per cause since start.</summary>
    public int Count(ControlRejection cause)
    {
        lock (_gate)
        {
            return _counts.GetValueOrDefault(cause);
        }
    }

    public void Rejected(ControlRejection cause, int pid, string reason)
    {
        int suppressed;
        lock (_gate)
        {
            _counts[cause] = _counts.GetValueOrDefault(cause) + 1;
            if (_causes.TryGetValue(cause, out var last) && time.GetElapsedTime(last.LoggedAt) < Period)
            {
                _causes[cause] = (last.LoggedAt, last.Suppressed + 1);
                return;
            }
            suppressed = last.Suppressed;
            _causes[cause] = (time.GetTimestamp(), 0);
        }
        Log.ControlRejected(logger, pid, reason, suppressed, Period);
    }
}
