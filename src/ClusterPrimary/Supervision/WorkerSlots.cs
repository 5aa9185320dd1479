using ClusterHost.Primary.Configuration;

namespace ClusterHost.Primary.Supervision;

/// <summary>
/// The registry of worker slots, lowest id first: the supervisor adds and removes them (start,
/// SIGTTIN, SIGTTOU), and everything that needs the cluster's size or its workers reads it here
/// (the launcher tells each worker the count; the watch and the metrics scrape walk them). Closed
/// at shutdown: no slot is added or removed after that.
/// </summary>
internal sealed class WorkerSlots
{
    private readonly Lock _gate = new();
    private readonly List<WorkerSlot> _slots = [];
    private bool _closed;

    /// <summary>The slots now, lowest id first.</summary>
    public IReadOnlyList<WorkerSlot> Current
    {
        get
        {
            lock (_gate)
            {
                return [.. _slots];
            }
        }
    }

    /// <summary>How many slots there are now (it changes with SIGTTIN/SIGTTOU).</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _slots.Count;
            }
        }
    }

    /// <summary>True once the cluster shuts down (<see cref="Close"/>).</summary>
    public bool IsClosed
    {
        get
        {
            lock (_gate)
            {
                return _closed;
            }
        }
    }

    /// <summary>
    /// Adds a slot with the next id, made by <paramref name="create"/>; null when closed or at
    /// <see cref="ClusterHostOptionsValidator.MaxWorkers"/>.
    /// </summary>
    public WorkerSlot? TryAdd(Func<int, WorkerSlot> create)
    {
        lock (_gate)
        {
            if (_closed || _slots.Count >= ClusterHostOptionsValidator.MaxWorkers)
            {
                return null;
            }
            var slot = create(_slots.Count);
            _slots.Add(slot);
            return slot;
        }
    }

    /// <summary>Removes the highest slot; null when closed or when it is the last one (a cluster keeps one).</summary>
    public WorkerSlot? TryRemoveLast()
    {
        lock (_gate)
        {
            if (_closed || _slots.Count <= 1)
            {
                return null;
            }
            var slot = _slots[^1];
            _slots.RemoveAt(_slots.Count - 1);
            return slot;
        }
    }

    /// <summary>Adds and removes no more slots; returns the slots as they are.</summary>
    public IReadOnlyList<WorkerSlot> Close()
    {
        lock (_gate)
        {
            _closed = true;
            return [.. _slots];
        }
    }
}
