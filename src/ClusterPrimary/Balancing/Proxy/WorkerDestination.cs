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

    /// <summary>The launch a destination id (<see cref="IdOf"/>) names; false for any other string.</summary>
    public static bool TryParseId(string destinationId, out WorkerInstance instance)
    {
        instance = default;
        var dash = destinationId.IndexOf('-', StringComparison.Ordinal);
        if (destinationId.Length < 4 || destinationId[0] != 'w' || dash < 2
            || !int.TryParse(destinationId.AsSpan(1, dash - 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var slot)
            || !long.TryParse(destinationId.AsSpan(dash + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var generation))
        {
            return false;
        }
        instance = new WorkerInstance(slot, generation);
        return true;
    }
}
