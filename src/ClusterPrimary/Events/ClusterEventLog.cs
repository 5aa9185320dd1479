namespace ClusterHost.Primary.Events;

/// <summary>
/// The cluster's recent events (restarts, give-ups, reloads, scaling, hung-worker captures,
/// recycling), kept in memory and bounded: the oldest go once <see cref="Capacity"/> is reached.
/// Read by <c>clusterhost status --events</c> and the status page. Also remembers each slot's
/// last worker exit, which outlives the bound.
/// </summary>
internal sealed class ClusterEventLog(TimeProvider time)
{
    /// <summary>How many events are kept: 200.</summary>
    public const int Capacity = 200;

    private readonly Lock _gate = new();
    private readonly Queue<ClusterEvent> _events = new();
    private readonly Dictionary<int, ClusterEvent> _lastExits = [];
    private long _sequence;

    /// <summary>Records an event now.</summary>
    public ClusterEvent Add(ClusterEventKind kind, int? workerId, int? pid, string message)
    {
        lock (_gate)
        {
            var entry = new ClusterEvent(++_sequence, time.GetUtcNow(), kind, workerId, pid, message);
            if (_events.Count == Capacity)
            {
                _events.Dequeue();
            }
            _events.Enqueue(entry);
            return entry;
        }
    }

    /// <summary>Records that a worker left slot <paramref name="workerId"/> and why, as the slot's last exit (no event by itself).</summary>
    public void WorkerExited(int workerId, int pid, string description)
    {
        lock (_gate)
        {
            _lastExits[workerId] = new ClusterEvent(0, time.GetUtcNow(), ClusterEventKind.Restart, workerId, pid, description);
        }
    }

    /// <summary>The last worker exit in a slot, or null if none has exited yet.</summary>
    public ClusterEvent? LastExit(int workerId)
    {
        lock (_gate)
        {
            return _lastExits.GetValueOrDefault(workerId);
        }
    }

    /// <summary>The events kept, oldest first, those after <paramref name="afterSequence"/> only; at most <paramref name="max"/> (the newest).</summary>
    public IReadOnlyList<ClusterEvent> Recent(long afterSequence = 0, int max = Capacity)
    {
        lock (_gate)
        {
            var newer = _events.Where(e => e.Sequence > afterSequence).ToList();
            return newer.Count <= max ? newer : newer.GetRange(newer.Count - max, max);
        }
    }
}
