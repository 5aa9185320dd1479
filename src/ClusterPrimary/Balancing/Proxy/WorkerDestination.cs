using ClusterHost.Primary.Supervision;

namespace ClusterHost.Primary.Balancing.Proxy;

/// <summary>Where one launch of a worker listens, as a YARP destination.</summary>
/// <param name="Instance">The launch: slot and generation.</param>
/// <param name="DestinationId">Unique per launch (<c>w{slot}-{generation}</c>), so a new worker starts with fresh health state.</param>
/// <param name="Address">The destination address YARP sends to.</param>
internal sealed record WorkerDestination(WorkerInstance Instance, string DestinationId, string Address)
{
    public int WorkerId => Instance.WorkerId;

    /// <summary>The destination id of a launch: <c>w{slot}-{generation}</c>.</summary>
    public static string IdOf(WorkerInstance instance) => $"w{instance.WorkerId}-{instance.Generation}";
}
