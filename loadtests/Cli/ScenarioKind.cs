namespace ClusterHost.LoadTests.Cli;

/// <summary>The scenarios the runner knows.</summary>
internal enum ScenarioKind
{
    /// <summary>Keep-alive connections stay on one worker; fresh connections spread.</summary>
    Stickiness,

    /// <summary>One blocked worker stalls its own connections and nothing else.</summary>
    BlockedWorker,

    /// <summary>A crashed worker loses only its in-flight requests and is replaced.</summary>
    Crash,

    /// <summary>Minutes of mixed non-retrying load under a seeded schedule of reloads, kills, stops, recycling, scaling and a stdout flood.</summary>
    Chaos,

    /// <summary>Requests of two CPU costs at a fixed offered rate (open loop): the latency each balancing mode gives them.</summary>
    MixedCost,
    /// <summary>Chat clients over every worker, each broadcasting: connections made and receivers per message, before and after a worker is killed.</summary>
    [System.Runtime.Serialization.EnumMember(Value = "signalr")]
    SignalR,
}
