namespace ClusterHost.Platform;

/// <summary>What became of a <see cref="ScmRights.Send"/>.</summary>
internal enum ScmSendResult
{
    /// <summary>The message and its descriptor are in the peer's queue.</summary>
    Sent,

    /// <summary>The peer's queue is full (EAGAIN): nothing was sent.</summary>
    WouldBlock,

    /// <summary>The peer has closed its end (EPIPE, ECONNRESET): nothing was sent.</summary>
    Closed,

    /// <summary>
    /// The kernel could not take the message now (ENOBUFS, ENOMEM, or ETOOMANYREFS: the sender
    /// has more descriptors in flight than its open-files limit): nothing was sent, the peer is
    /// still there, and a later send may succeed.
    /// </summary>
    NoResources,
}
