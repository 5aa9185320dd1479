namespace ClusterHost.LoadTests.Load;

/// <summary>Why the runner sent a request.</summary>
internal enum RequestKind
{
    /// <summary>The first request on a new keep-alive connection: learns which worker owns it.</summary>
    Probe,

    /// <summary>Background load: <c>GET /</c> in a loop on a keep-alive connection.</summary>
    Load,

    /// <summary>One request on a fresh connection.</summary>
    Fresh,

    /// <summary>A slow request (<c>/delay</c>) kept in flight on purpose.</summary>
    Slow,

    /// <summary>The request that blocks a worker (<c>/block</c>).</summary>
    Block,

    /// <summary>The request that crashes a worker (<c>/crash</c>).</summary>
    Crash,

    /// <summary>Chaos: <c>POST /upload</c> on a keep-alive connection.</summary>
    Upload,

    /// <summary>Chaos: <c>POST /upload</c> on a new connection, its body sent in pieces over a second.</summary>
    SlowUpload,

    /// <summary>Chaos: a request that triggers a fault (<c>/leak</c>, <c>/flood-stdout</c>).</summary>
    Fault,

    /// <summary>Mixed-cost: a cheap request (<c>/work?us=</c> the light cost).</summary>
    Light,

    /// <summary>Mixed-cost: an expensive request (<c>/work?us=</c> the heavy cost).</summary>
    Heavy,
}
