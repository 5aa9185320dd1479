namespace ClusterHost.Control;

/// <summary>What sending one message on a <see cref="ControlChannel"/> did.</summary>
internal enum ControlSendResult
{
    /// <summary>Written to the socket.</summary>
    Sent,

    /// <summary>The peer is gone.</summary>
    Closed,

    /// <summary>
    /// Not sent: its line would exceed <see cref="ControlChannel.MaxLineBytes"/>, which the peer
    /// would drop unread.
    /// </summary>
    TooLong,
}
