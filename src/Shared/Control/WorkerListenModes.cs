namespace ClusterHost.Control;

/// <summary>How a worker binds Kestrel, as directed by the primary's balancing mode.</summary>
internal static class WorkerListenModes
{
    /// <summary>Each worker binds the public endpoints itself with SO_REUSEPORT.</summary>
    public const string ReusePort = "reuseport";

    /// <summary>The worker listens on a private Unix domain socket path.</summary>
    public const string Unix = "unix";
}
