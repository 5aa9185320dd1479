using System.Runtime.Serialization;

namespace ClusterHost.Primary.Configuration;

/// <summary>How connections reach the workers.</summary>
internal enum BalancingMode
{
    /// <summary>Each worker owns a SO_REUSEPORT listener on the public port; the kernel hashes connections.</summary>
    [EnumMember(Value = "reuseport")]
    ReusePort,

    /// <summary>The primary accepts every connection and forwards each request to a worker (YARP).</summary>
    Proxy,

    /// <summary>
    /// Every worker inherits the primary's listening socket (bound once, or passed by systemd) and
    /// accepts from its one kernel queue.
    /// </summary>
    Shared,

    /// <summary>
    /// The primary accepts every connection and hands it, round-robin gated on acknowledgements,
    /// to a worker over its handoff socket (SCM_RIGHTS): Node cluster's default on Linux.
    /// </summary>
    Handoff,
}
