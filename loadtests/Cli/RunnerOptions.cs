namespace ClusterHost.LoadTests.Cli;

/// <summary>
/// What the runner does. Every setting has a default, stated here and in <c>--help</c>, and is
/// checked by <see cref="RunnerOptionsValidator"/> before anything starts.
/// </summary>
internal sealed class RunnerOptions
{
    public const int MinWorkers = 2;
    public const int MaxWorkers = 64;
    public const int MaxConnections = 256;
    public const int MaxRequests = 10_000;
    public const double MinBlockSeconds = 0.5;
    public const double MaxBlockSeconds = 30; // SampleApp's /block cap
    public const int MaxThinkMs = 1000;
    public const int MinChaosSeconds = 10;
    public const int MaxChaosSeconds = 86_400;
    public const int MaxMixedCostSeconds = 3600;
    public const double MaxRate = 50_000;
    public const double MaxWarmupSeconds = 60;
    public const int MaxWorkMicroseconds = 100_000; // SampleApp's /work cap

    /// <summary>The balancing modes the runner starts a cluster in: every mode <c>clusterhost</c> has.</summary>
    public static readonly IReadOnlyList<string> Modes = ["reuseport", "shared", "handoff", "proxy"];
    public const int MaxClients = 1000;
    public static readonly IReadOnlyList<string> BalancePolicies = ["round-robin", "least-requests", "power-of-two", "random"];

    public ScenarioKind Scenario { get; set; }

    /// <summary>Balancing mode of the cluster the runner starts (<c>--mode</c>). Defaults to <c>reuseport</c>.</summary>
    public string Mode { get; set; } = "reuseport";

    /// <summary>Proxy mode's policy, passed on as <c>--balance</c>. Defaults to null: the primary's default.</summary>
    public string? Balance { get; set; }

    /// <summary>Workers of the cluster the runner starts. Defaults to the number of CPUs, at least 2.</summary>
    public int Workers { get; set; } = Math.Max(MinWorkers, Environment.ProcessorCount);

    /// <summary>A running cluster to target instead of starting one. Defaults to null: start one.</summary>
    public Uri? Url { get; set; }

    /// <summary>Where to write the raw results as JSON. Defaults to null: not written.</summary>
    public string? JsonPath { get; set; }

    /// <summary>Where blocked-worker writes its timeline. Defaults to <c>loadtests/results/blocked-worker.svg</c>.</summary>
    public string SvgPath { get; set; } = Path.Combine(BuildPaths.ResultsDirectory, "blocked-worker.svg");

    /// <summary>Keep-alive connections. Defaults to null: 8 for stickiness, 64 for mixed-cost, 4 per worker (at least 8) otherwise.</summary>
    public int? Connections { get; set; }

    /// <summary>Stickiness: requests per keep-alive connection. Defaults to 20.</summary>
    public int Requests { get; set; } = 20;

    /// <summary>Stickiness: fresh connections, one request each. Defaults to 40.</summary>
    public int Fresh { get; set; } = 40;

    /// <summary>Blocked-worker: how long the worker is blocked. Defaults to 3 s.</summary>
    public double BlockSeconds { get; set; } = 3;

    /// <summary>Blocked-worker and crash: pause between requests on one connection. Defaults to 20 ms.</summary>
    public int ThinkMs { get; set; } = 20;

    /// <summary>Blocked-worker and crash: the worker to block or crash. Defaults to null: the one owning most connections.</summary>
    public int? Victim { get; set; }

    /// <summary>
    /// Chaos: how long the soak runs; mixed-cost: how long it measures (after the warm-up), in
    /// seconds. Defaults to null: 300 (5 minutes) for chaos, 10 for mixed-cost.
    /// </summary>
    public int? Duration { get; set; }

    /// <summary>How long the scenario runs (chaos) or measures (mixed-cost), in seconds: <see cref="Duration"/> or the scenario's default.</summary>
    public int DurationSeconds => Duration ?? (Scenario == ScenarioKind.MixedCost ? 10 : 300);

    /// <summary>Chaos: the seed of the fault schedule; mixed-cost: of which requests are heavy. Defaults to 17.</summary>
    public int Seed { get; set; } = 17;

    /// <summary>
    /// Mixed-cost: the offered rate in requests per second, sent on schedule whether or not earlier
    /// requests were answered (open loop). Defaults to null (<c>max</c>): closed loop, each connection
    /// sends its next request when the last is answered, so the achieved rate is the capacity.
    /// </summary>
    public double? Rate { get; set; }

    /// <summary>Mixed-cost: seconds of load before the measured part, not counted. Defaults to 2.</summary>
    public double WarmupSeconds { get; set; } = 2;

    /// <summary>Mixed-cost: the CPU cost of a light request, in microseconds (<c>/work?us=</c>). Defaults to 200.</summary>
    public int LightMicroseconds { get; set; } = 200;

    /// <summary>Mixed-cost: the CPU cost of a heavy request, in microseconds. Defaults to 50 000 (50 ms).</summary>
    public int HeavyMicroseconds { get; set; } = 50_000;

    /// <summary>Mixed-cost: the share of heavy requests, in percent. Defaults to 5.</summary>
    public double HeavyPercent { get; set; } = 5;
    /// <summary>SignalR: chat clients (WebSockets). Defaults to 20.</summary>
    public int Clients { get; set; } = 20;

    /// <summary>SignalR: broadcasts per second, all clients together. Defaults to 20.</summary>
    public int Broadcasts { get; set; } = 20;

    /// <summary>SignalR: how long each phase broadcasts, in seconds. Defaults to 5.</summary>
    public int PhaseSeconds { get; set; } = 5;

    /// <summary>SignalR: kill a worker between the phases. Defaults to null: yes for a cluster the runner starts, no with <c>--url</c>.</summary>
    public bool? Kill { get; set; }

    /// <summary>The keep-alive connections to open when the cluster has <paramref name="workers"/> workers.</summary>
    public int ConnectionsFor(int workers) => Connections ?? Scenario switch
    {
        ScenarioKind.Stickiness => 8,
        ScenarioKind.MixedCost => 64,
        _ => Math.Max(8, 4 * workers),
    };
}
