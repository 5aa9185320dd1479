using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Health;
using Yarp.ReverseProxy.Model;

namespace ClusterHost.Primary.Balancing.Proxy;

/// <summary>
/// Which workers get new requests: those neither silent (active health, which
/// <see cref="WorkerSilenceMonitor"/> sets from the control channel's heartbeats) nor refusing
/// connections (passive health, <see cref="WorkerFailureHealthPolicy"/>); every worker when none
/// is left, as YARP's <c>HealthyOrPanic</c> does.
/// </summary>
/// <remarks>
/// YARP's own policies read the active health only when its active probe is enabled, and that
/// probe is an HTTP request through the worker's Kestrel: the app's request logs and metrics would
/// count it. Here the active health comes from what the primary already knows, with no probe.
/// </remarks>
internal sealed class WorkerAvailabilityPolicy : IAvailableDestinationsPolicy
{
    public const string PolicyName = "ClusterHostWorkers";

    public string Name => PolicyName;

    public IReadOnlyList<DestinationState> GetAvailalableDestinations(ClusterConfig config, IReadOnlyList<DestinationState> allDestinations)
    {
        var available = allDestinations
            .Where(d => d.Health.Active != DestinationHealth.Unhealthy && d.Health.Passive != DestinationHealth.Unhealthy)
            .ToList();
        return available.Count > 0 ? available : allDestinations;
    }
}
