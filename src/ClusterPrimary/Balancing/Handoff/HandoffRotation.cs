using ClusterHost.Primary.Supervision;

namespace ClusterHost.Primary.Balancing.Handoff;

/// <summary>
/// Which worker gets the next accepted connection in <c>--mode handoff</c>: round-robin over the
/// launches that are ready (said hello on their handoff socket and reported ready) and not
/// leaving (draining, replaced, exited), gated on acknowledgements: a launch with
/// <see cref="MaxUnacknowledged"/> connections handed and not yet acknowledged gets no more until
/// it acknowledges one, so a slow or hung worker cannot pile up connections it does not serve.
/// </summary>
/// <remarks>
/// A launch that holds unacknowledged connections and has acknowledged nothing for
/// <see cref="StallAfter"/> is passed over while another can take the connection (a hung
/// worker, or one whose accept loop is starved); it is chosen again once it acknowledges, or
/// when every other launch is full. Thread-safe; <see cref="Changed"/> is raised (outside the
/// lock) whenever room may have appeared: an acknowledgement, a launch becoming ready.
/// </remarks>
internal sealed class HandoffRotation(TimeProvider time)
{
    /// <summary>Connections handed to one launch and not yet acknowledged, at most: 64.</summary>
    public const int MaxUnacknowledged = 64;

    /// <summary>A launch that has acknowledged nothing for this long while holding connections is passed over when another can take them: 1 s.</summary>
    public static readonly TimeSpan StallAfter = TimeSpan.FromSeconds(1);

    private readonly Lock _gate = new();
    private readonly List<Target> _targets = [];
    private readonly HashSet<WorkerInstance> _removed = [];
    private int _next;

    /// <summary>Room may have appeared (raised outside the lock).</summary>
    public event Action? Changed;

    /// <summary>True when some launch can take a connection now.</summary>
    public bool HasRoom
    {
        get
        {
            lock (_gate)
            {
                return _targets.Exists(t => t.CanTake);
            }
        }
    }

    /// <summary>The launch's handoff socket is open (its hello was accepted).</summary>
    public void Attached(WorkerInstance instance) => Update(instance, t => t.Attached = true, add: true);

    /// <summary>The launch reported ready.</summary>
    public void Ready(WorkerInstance instance) => Update(instance, t => t.Ready = true, add: true);

    /// <summary>The launch takes no more connections (draining, replaced, exited, or said it is leaving).</summary>
    public void Remove(WorkerInstance instance)
    {
        lock (_gate)
        {
            _removed.Add(instance);
            var index = _targets.FindIndex(t => t.Instance == instance);
            if (index < 0)
            {
                return;
            }
            _targets.RemoveAt(index);
            if (_next > index)
            {
                _next--;
            }
        }
        Changed?.Invoke();
    }

    /// <summary>
    /// Picks the next launch in turn that can take a connection and counts one unacknowledged
    /// connection against it; false when none can (every one full, or none ready).
    /// </summary>
    public bool TryReserve(out WorkerInstance instance)
    {
        lock (_gate)
        {
            var now = time.GetTimestamp();
            if (Pick(t => t.CanTake && !t.IsStalled(time, now)) is null && Pick(t => t.CanTake) is null)
            {
                instance = default;
                return false;
            }
            var target = _targets[_next];
            if (target.Unacknowledged++ == 0)
            {
                target.ProgressAt = now; // the stall clock starts with the first outstanding connection
            }
            _next = (_next + 1) % _targets.Count;
            instance = target.Instance;
            return true;
        }
    }

    // Sets _next to the first target from _next on that matches; null when none does.
    private WorkerInstance? Pick(Predicate<Target> eligible)
    {
        for (var i = 0; i < _targets.Count; i++)
        {
            var index = (_next + i) % _targets.Count;
            if (eligible(_targets[index]))
            {
                _next = index;
                return _targets[index].Instance;
            }
        }
        return null;
    }

    /// <summary>The launch acknowledged (accepted or returned) one of its connections.</summary>
    public void Acknowledged(WorkerInstance instance) => Update(instance, t =>
    {
        t.Unacknowledged = Math.Max(0, t.Unacknowledged - 1);
        t.ProgressAt = time.GetTimestamp();
        t.Blocked = false;
    }, add: false);

    /// <summary>
    /// The reserved connection was not sent: <paramref name="queueFull"/> when the launch's socket
    /// queue was full (it gets none until it acknowledges one), else its socket is closed (it gets
    /// none again). Raises no <see cref="Changed"/>: no room appeared.
    /// </summary>
    /// <remarks>
    /// Only an acknowledgement clears a full queue, so a launch is held back only while it still
    /// holds a connection it has not acknowledged. Its acknowledgements can all arrive between the
    /// failed send and this call (the worker emptied its queue meanwhile): then nothing would
    /// ever clear it, and a healthy worker would get no connection again; it stays in turn instead.
    /// </remarks>
    public void NotSent(WorkerInstance instance, bool queueFull)
    {
        lock (_gate)
        {
            if (_targets.Find(t => t.Instance == instance) is { } target)
            {
                target.Unacknowledged = Math.Max(0, target.Unacknowledged - 1);
                if (queueFull)
                {
                    target.Blocked = target.Unacknowledged > 0;
                }
                else
                {
                    target.Attached = false;
                }
            }
        }
    }

    /// <summary>Connections handed to <paramref name="instance"/> and not yet acknowledged (0 when it is not in rotation).</summary>
    public int Unacknowledged(WorkerInstance instance)
    {
        lock (_gate)
        {
            return _targets.Find(t => t.Instance == instance)?.Unacknowledged ?? 0;
        }
    }

    /// <summary>The launches that can be chosen now, in rotation order.</summary>
    public IReadOnlyList<WorkerInstance> InRotation
    {
        get
        {
            lock (_gate)
            {
                return [.. _targets.Where(t => t.Attached && t.Ready).Select(t => t.Instance)];
            }
        }
    }

    private void Update(WorkerInstance instance, Action<Target> change, bool add)
    {
        lock (_gate)
        {
            var target = _targets.Find(t => t.Instance == instance);
            if (target is null)
            {
                if (!add || _removed.Contains(instance))
                {
                    return; // gone: a late acknowledgement, or a hello after it left
                }
                target = new Target(instance);
                // In slot order, so the rotation visits 0, 1, 2… whatever order they joined in.
                var index = _targets.FindIndex(t => t.Instance.WorkerId > instance.WorkerId
                    || (t.Instance.WorkerId == instance.WorkerId && t.Instance.Generation > instance.Generation));
                index = index < 0 ? _targets.Count : index;
                _targets.Insert(index, target);
                if (_next > index)
                {
                    _next++;
                }
            }
            change(target);
        }
        Changed?.Invoke();
    }

    private sealed class Target(WorkerInstance instance)
    {
        public WorkerInstance Instance { get; } = instance;

        public bool Attached { get; set; }

        public bool Ready { get; set; }

        /// <summary>Its socket queue was full at the last send; cleared by its next acknowledgement (set only while one is due).</summary>
        public bool Blocked { get; set; }

        public int Unacknowledged { get; set; }

        /// <summary>When it last acknowledged, or got its first outstanding connection.</summary>
        public long ProgressAt { get; set; }

        public bool CanTake => Attached && Ready && !Blocked && Unacknowledged < MaxUnacknowledged;

        public bool IsStalled(TimeProvider time, long now) =>
            Unacknowledged > 0 && time.GetElapsedTime(ProgressAt, now) >= StallAfter;
    }
}
