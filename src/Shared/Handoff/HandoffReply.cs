namespace ClusterHost.Handoff;

/// <summary>What a worker says about a handed connection (<see cref="HandoffProtocol"/>).</summary>
internal enum HandoffReply : byte
{
    /// <summary>Kestrel took the connection; nothing of it had been read.</summary>
    Accepted = 1,

    /// <summary>The worker did not take it (it is draining) and closed its copy unread: hand it to another.</summary>
    Returned = 2,

    /// <summary>The worker takes no more connections (draining or stopping); id 0.</summary>
    Leaving = 3,
}
