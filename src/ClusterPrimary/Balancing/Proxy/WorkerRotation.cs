using ClusterHost.Primary.Configuration;
using ClusterHost.Primary.Supervision;
using Yarp.ReverseProxy.Configuration;

namespace ClusterHost.Primary.Balancing.Proxy;

/// <summary>
/// Which workers YARP routes to, kept in YARP's in-memory configuration: a launch joins when it
/// reports ready and leaves when it starts draining or its exit is observed. During a replacement
/// a slot's old and new launch are briefly both in rotation.
/// </summary>
internal sealed class WorkerRotation
{
    private readonly ProxyBalancePolicy _policy;
    private readonly Lock _gate = new();
    private readonly Dictionary<WorkerInstance, WorkerDestination> _starting = [];
    private readonly Dictionary<WorkerInstance, WorkerDestination> _inRotation = [];

    public WorkerRotation(ProxyBalancePolicy policy)
    {
        _policy = policy;
        Config = new InMemoryConfigProvider(ProxyConfigFactory.Routes(), ProxyConfigFactory.Clusters(policy, []));
    }

    /// <summary>The configuration YARP reads; updated in place.</summary>
    public InMemoryConfigProvider Config { get; }

    /// <summary>The launches in rotation, by slot and generation.</summary>
    public IReadOnlyList<WorkerDestination> Current
    {
        get
        {
            lock (_gate)
            {
                return Ordered();
            }
        }
    }

    /// <summary>
    /// A new launch listens at <paramref name="destination"/> once ready. Returns the earlier
    /// launches of its slot that never became ready (they failed to start): they are forgotten.
    /// </summary>
    public IReadOnlyList<WorkerDestination> Launched(WorkerDestination destination)
    {
        lock (_gate)
        {
            var superseded = _starting.Values
                .Where(d => d.WorkerId == destination.WorkerId && d.Instance.Generation < destination.Instance.Generation)
                .ToList();
            foreach (var stale in superseded)
            {
                _starting.Remove(stale.Instance);
            }
            _starting[destination.Instance] = destination;
            return superseded;
        }
    }

    /// <summary>Puts the launch in rotation; returns it, or null if it was not launched (or already left).</summary>
    public WorkerDestination? Ready(WorkerInstance instance)
    {
        lock (_gate)
        {
            if (!_starting.Remove(instance, out var destination))
            {
                return null;
            }
            _inRotation[instance] = destination;
            Publish();
            return destination;
        }
    }

    /// <summary>
    /// Takes the launch out of rotation, or forgets it if it never became ready. Returns it, or
    /// null if it was unknown (already left); <paramref name="wasInRotation"/> tells which.
    /// </summary>
    public WorkerDestination? Leaving(WorkerInstance instance, out bool wasInRotation)
    {
        lock (_gate)
        {
            wasInRotation = _inRotation.Remove(instance, out var destination);
            if (wasInRotation)
            {
                Publish();
                return destination;
            }
            return _starting.Remove(instance, out destination) ? destination : null;
        }
    }

    private List<WorkerDestination> Ordered() =>
        [.. _inRotation.Values.OrderBy(d => d.WorkerId).ThenBy(d => d.Instance.Generation)];

    // Under _gate, so that YARP sees the updates in the order they happened.
    private void Publish() => Config.Update(ProxyConfigFactory.Routes(), ProxyConfigFactory.Clusters(_policy, Ordered()));
}
