namespace ClusterHost.Primary.Control;

/// <summary>Why the control server turned a connection away: the <c>cause</c> of its log line.</summary>
internal enum ControlRejection
{
    /// <summary>The peer runs as another user.</summary>
    ForeignUser,

    /// <summary>The peer is not a worker this primary launched (by SO_PEERCRED pid).</summary>
    UnknownProcess,

    /// <summary>Too many connections have not said hello yet.</summary>
    TooManyPending,

    /// <summary>No hello within the hello timeout.</summary>
    Silent,

    /// <summary>Closed before its hello.</summary>
    ClosedEarly,

    /// <summary>The first line is not a control message.</summary>
    Garbage,

    /// <summary>The first line exceeds the hello's line limit.</summary>
    TooLong,

    /// <summary>The first message is not a hello.</summary>
    NotHello,

    /// <summary>The token belongs to no launch waiting for its hello.</summary>
    WrongToken,

    /// <summary>The token belongs to another pid than the peer's.</summary>
    PidMismatch,
}
