using ClusterHost.Primary.Configuration;
using ClusterHost.Primary.Supervision;

namespace ClusterHost.Primary.Balancing;

/// <summary>
/// The cluster's front: what accepts connections on the public URLs and how they reach the
/// workers, one implementation per <see cref="BalancingMode"/>. The supervisor knows nothing of
/// sockets; it asks the front where a launch listens and tells it when a launch becomes ready or
/// leaves, so a front that routes (the proxy) can follow. Launches are told apart by
/// <see cref="WorkerInstance"/>: during a replacement one slot has an old and a new process.
/// </summary>
internal interface IClusterFront
{
    BalancingMode Mode { get; }

    /// <summary>The public URLs, with any port 0 resolved; valid once <see cref="StartAsync"/> has returned.</summary>
    IReadOnlyList<string> Urls { get; }

    /// <summary>Claims the public endpoints (and, for a front that accepts, starts accepting) before any worker starts.</summary>
    /// <exception cref="ClusterStartupException">An endpoint cannot be claimed (e.g. in use).</exception>
    Task StartAsync(CancellationToken cancellationToken);

    /// <summary>Adds the variables that make this launch listen where this front needs.</summary>
    void ConfigureWorker(WorkerInstance instance, IDictionary<string, string?> environment);

    /// <summary>The launch listens and may receive traffic.</summary>
    void WorkerReady(WorkerInstance instance);

    /// <summary>The launch must receive no more new traffic (draining or gone).</summary>
    void WorkerLeaving(WorkerInstance instance);

    /// <summary>Stops taking new connections on the public URLs, at the start of shutdown.</summary>
    Task StopAcceptingAsync(CancellationToken cancellationToken);
}
