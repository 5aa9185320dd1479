namespace ClusterHost.Worker.SignalR;

/// <summary>What a relay payload asks of the workers that receive it (its first byte).</summary>
internal enum RelayMessageKind : byte
{
    /// <summary>To every connection of the hub, but the excluded ones.</summary>
    All = 1,

    /// <summary>To the named connections.</summary>
    Connections = 2,

    /// <summary>To the members of the named groups, but the excluded connections.</summary>
    Groups = 3,

    /// <summary>To the connections of the named users.</summary>
    Users = 4,

    /// <summary>Add a connection to a group or remove it; its owner acknowledges.</summary>
    GroupAction = 5,

    /// <summary>A group action was done (to the worker that asked).</summary>
    Ack = 6,

    /// <summary>A client-result invocation for a connection; its owner sends it and routes the answer back.</summary>
    Invoke = 7,

    /// <summary>A client's answer to an invocation (to the worker that invoked).</summary>
    Completion = 8,
}
