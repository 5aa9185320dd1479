namespace ClusterHost.Control;

/// <summary>How a worker binds Kestrel, as directed by the primary's balancing mode.</summary>
internal static class WorkerListenModes
{
    /// <summary>Each worker binds the public endpoints itself with SO_REUSEPORT.</summary>
    public const string ReusePort = "reuseport";

    /// <summary>The worker listens on a private Unix domain socket path, behind the primary's proxy.</summary>
    public const string Unix = "unix";

    /// <summary>
    /// The worker listens on a private loopback endpoint, behind the primary's proxy. Bound with
    /// SO_REUSEPORT, because the primary holds a bound, non-listening socket on it to keep the port
    /// reserved for the slot while its worker restarts.
    /// </summary>
    public const string Tcp = "tcp";

    /// <summary>
    /// The worker accepts on listening sockets it inherited from the primary (<c>--mode shared</c>),
    /// at the descriptor numbers given ';'-separated: one kernel queue shared by every worker.
    /// </summary>
    public const string Inherited = "inherited";

    /// <summary>
    /// The primary accepts on the public endpoints (listed ';'-separated, in the order of their
    /// index) and hands each connection to one worker over its handoff socket (<c>--mode handoff</c>).
    /// </summary>
    public const string Handoff = "handoff";

    /// <summary>True for the modes in which the primary's proxy is the worker's only client.</summary>
    public static bool IsBehindProxy(string mode) => mode is Unix or Tcp;
}
