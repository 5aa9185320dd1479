namespace SampleApp;

/// <summary>
/// Which worker this process is, read the way any unmodified app can: from
/// <c>CLUSTERHOST_WORKER_ID</c>, which the primary sets for each worker (as PM2 sets
/// <c>NODE_APP_INSTANCE</c>). 0 when the app runs alone.
/// </summary>
internal static class ClusterSlot
{
    /// <summary>The environment variable that names the worker slot, 0..N-1, stable across restarts.</summary>
    public const string WorkerIdVariable = "CLUSTERHOST_WORKER_ID";

    /// <summary>This process's worker slot; 0 when not under ClusterHost.</summary>
    public static int WorkerId { get; } =
        int.TryParse(Environment.GetEnvironmentVariable(WorkerIdVariable), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id) ? id : 0;
}
