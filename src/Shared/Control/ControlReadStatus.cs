namespace ClusterHost.Control;

/// <summary>What reading one line of a <see cref="ControlChannel"/> found.</summary>
internal enum ControlReadStatus
{
    /// <summary>A message.</summary>
    Message,

    /// <summary>The peer is gone (end of stream or a broken socket).</summary>
    Closed,

    /// <summary>A line that is not a message this side knows: bad JSON, an unknown type, a missing field.</summary>
    Malformed,

    /// <summary>A line longer than <see cref="ControlChannel.MaxLineBytes"/>; it was read through and dropped.</summary>
    TooLong,
}
