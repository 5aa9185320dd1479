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
}
