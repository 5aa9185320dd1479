using ClusterHost.Primary.Configuration;
using ClusterHost.Primary.Supervision;

namespace ClusterHost.Primary.Balancing;

/// <summary>
/// A balancing mode: how connections on the public URLs reach the workers. The supervisor
/// knows nothing of sockets; it asks the mode where a worker listens and tells it when a worker
/// becomes ready or leaves, so a mode that routes (a proxy) can follow. Workers are identified
/// by <see cref="WorkerInstance"/>: during a replacement one slot has an old and a new process.
/// </summary>
internal interface IBalancer : IAsyncDisposable
{
    BalancingMode Mode { get; }

    /// <summary>The public URLs, with any port 0 resolved; valid after <see cref="Prepare"/>.</summary>
    IReadOnlyList<string> Urls { get; }

    /// <summary>Claims the public endpoints before any worker starts.</summary>
    /// <exception cref="ClusterStartupException">An endpoint cannot be claimed (e.g. in use).</exception>
    void Prepare();

    /// <summary>Adds the variables that make this launch listen where this mode needs.</summary>
    void ConfigureWorker(WorkerInstance instance, IDictionary<string, string?> environment);

    /// <summary>The worker listens and may receive traffic.</summary>
    void WorkerReady(WorkerInstance instance);

    /// <summary>The worker must receive no more new traffic (draining or gone).</summary>
    void WorkerLeaving(WorkerInstance instance);

    /// <summary>Stops taking new connections on the public URLs, at the start of shutdown.</summary>
    Task StopAcceptingAsync(CancellationToken cancellationToken);
}
