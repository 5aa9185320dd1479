using System.Globalization;
using System.Net;

namespace ClusterHost.LoadTests.Cli;

/// <summary>Every switch of the runner, in the order <c>--help</c> lists them.</summary>
internal static class RunnerSwitches
{
    private static readonly ScenarioKind[] Any = [];
    private static readonly ScenarioKind[] LoadScenarios = [ScenarioKind.BlockedWorker, ScenarioKind.Crash];

    public static readonly IReadOnlyList<RunnerSwitch> All =
    [
        new("--mode", "MODE", "balancing mode of the cluster the runner starts: reuseport, shared, handoff or proxy (default reuseport)", Any,
            (o, v) => OneOf(v, RunnerOptions.Modes, x => o.Mode = x)),
        new("--balance", "POLICY", "proxy mode's policy, passed to the primary: round-robin, least-requests, power-of-two, random (default: the primary's)", Any,
            (o, v) => OneOf(v, RunnerOptions.BalancePolicies, x => o.Balance = x)),
        new("--workers", "N", $"workers of the cluster the runner starts, {RunnerOptions.MinWorkers} to {RunnerOptions.MaxWorkers} (default: CPUs, at least 2)", Any,
            (o, v) => Int(v, RunnerOptions.MinWorkers, RunnerOptions.MaxWorkers, x => o.Workers = x)),
        new("--url", "URL", "target a running cluster at this loopback URL instead of starting one (its app needs --SampleApp:EnableFaults=true; for signalr, tests/Apps/ChatRoom)", Any,
            (o, v) => LoopbackUrl(v, x => o.Url = x)),
        new("--json", "FILE", "also write the raw results (every request) as JSON", Any,
            (o, v) => NotEmpty(v, x => o.JsonPath = x)),
        new("--connections", "N", $"keep-alive connections, 1 to {RunnerOptions.MaxConnections} (default: 8 for stickiness, else 4 per worker, at least 8)", Any,
            (o, v) => Int(v, 1, RunnerOptions.MaxConnections, x => o.Connections = x)),
        new("--requests", "N", $"requests per keep-alive connection, 1 to {RunnerOptions.MaxRequests} (default 20)", [ScenarioKind.Stickiness],
            (o, v) => Int(v, 1, RunnerOptions.MaxRequests, x => o.Requests = x)),
        new("--fresh", "N", $"fresh connections, one request each, 1 to {RunnerOptions.MaxRequests} (default 40)", [ScenarioKind.Stickiness],
            (o, v) => Int(v, 1, RunnerOptions.MaxRequests, x => o.Fresh = x)),
        new("--block-seconds", "S", $"how long the worker is blocked, {RunnerOptions.MinBlockSeconds} to {RunnerOptions.MaxBlockSeconds} (default 3)", [ScenarioKind.BlockedWorker],
            (o, v) => Seconds(v, RunnerOptions.MinBlockSeconds, RunnerOptions.MaxBlockSeconds, x => o.BlockSeconds = x)),
        new("--svg", "FILE", "where to write the latency timeline (default loadtests/results/blocked-worker.svg)", [ScenarioKind.BlockedWorker],
            (o, v) => NotEmpty(v, x => o.SvgPath = x)),
        new("--think-ms", "MS", $"pause between requests on one connection, 0 to {RunnerOptions.MaxThinkMs} (default 20)", LoadScenarios,
            (o, v) => Int(v, 0, RunnerOptions.MaxThinkMs, x => o.ThinkMs = x)),
        new("--victim", "W", "the worker to block or crash (default: the one owning most connections)", LoadScenarios,
            (o, v) => Int(v, 0, RunnerOptions.MaxWorkers - 1, x => o.Victim = x)),
        new("--duration", "S", $"chaos: how long the soak runs, {RunnerOptions.MinChaosSeconds} to {RunnerOptions.MaxChaosSeconds} seconds (default 300); mixed-cost: how long it measures, 1 to {RunnerOptions.MaxMixedCostSeconds} (default 10)", [ScenarioKind.Chaos, ScenarioKind.MixedCost],
            (o, v) => Int(v, 1, RunnerOptions.MaxChaosSeconds, x => o.Duration = x)),
        new("--seed", "N", "the seed of the chaos schedule, or of which mixed-cost requests are heavy, 0 or more (default 17)", [ScenarioKind.Chaos, ScenarioKind.MixedCost],
            (o, v) => Int(v, 0, int.MaxValue, x => o.Seed = x)),
        new("--rate", "RPS", $"offered requests per second, sent on schedule whatever the answers (open loop), 1 to {RunnerOptions.MaxRate}; or max: closed loop, the capacity (default max)", [ScenarioKind.MixedCost],
            (o, v) => Rate(v, x => o.Rate = x)),
        new("--warmup", "S", $"seconds of load before the measured part, not counted, 0 to {RunnerOptions.MaxWarmupSeconds} (default 2)", [ScenarioKind.MixedCost],
            (o, v) => Seconds(v, 0, RunnerOptions.MaxWarmupSeconds, x => o.WarmupSeconds = x)),
        new("--light-us", "US", $"CPU time of a light request in microseconds (/work?us=), 0 to {RunnerOptions.MaxWorkMicroseconds} (default 200)", [ScenarioKind.MixedCost],
            (o, v) => Int(v, 0, RunnerOptions.MaxWorkMicroseconds, x => o.LightMicroseconds = x)),
        new("--heavy-us", "US", $"CPU time of a heavy request in microseconds, 0 to {RunnerOptions.MaxWorkMicroseconds} (default 50000)", [ScenarioKind.MixedCost],
            (o, v) => Int(v, 0, RunnerOptions.MaxWorkMicroseconds, x => o.HeavyMicroseconds = x)),
        new("--heavy-percent", "P", "share of heavy requests in percent, 0 to 100 (default 5)", [ScenarioKind.MixedCost],
            (o, v) => Percent(v, x => o.HeavyPercent = x)),
        new("--clients", "N", $"chat clients, 1 to {RunnerOptions.MaxClients} (default 20)", [ScenarioKind.SignalR],
            (o, v) => Int(v, 1, RunnerOptions.MaxClients, x => o.Clients = x)),
        new("--broadcasts", "N", "broadcasts per second, all clients together, 1 to 1000 (default 20)", [ScenarioKind.SignalR],
            (o, v) => Int(v, 1, 1000, x => o.Broadcasts = x)),
        new("--phase-seconds", "S", "how long each phase broadcasts, 1 to 120 (default 5)", [ScenarioKind.SignalR],
            (o, v) => Int(v, 1, 120, x => o.PhaseSeconds = x)),
        new("--kill", "yes|no", "kill a worker between the phases (default: yes for a cluster the runner starts, no with --url)", [ScenarioKind.SignalR],
            (o, v) => OneOf(v, ["yes", "no"], x => o.Kill = x == "yes")),
    ];

    public static RunnerSwitch? Find(string name) =>
        All.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase));

    private static string? Int(string text, int min, int max, Action<int> set)
    {
        if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            return "must be a whole number";
        }
        if (value < min || value > max)
        {
            return string.Create(CultureInfo.InvariantCulture, $"must be from {min} to {max}");
        }
        set(value);
        return null;
    }

    private static string? Seconds(string text, double min, double max, Action<double> set)
    {
        if (!double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            return string.Create(CultureInfo.InvariantCulture, $"must be a number of seconds from {min} to {max}");
        }
        set(value);
        return null;
    }

    private static string? Rate(string text, Action<double?> set)
    {
        if (string.Equals(text, "max", StringComparison.OrdinalIgnoreCase))
        {
            set(null);
            return null;
        }
        if (!double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value) || value < 1 || value > RunnerOptions.MaxRate)
        {
            return string.Create(CultureInfo.InvariantCulture, $"must be requests per second from 1 to {RunnerOptions.MaxRate}, or max");
        }
        set(value);
        return null;
    }

    private static string? Percent(string text, Action<double> set)
    {
        if (!double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value) || value > 100)
        {
            return "must be a percentage from 0 to 100";
        }
        set(value);
        return null;
    }

    private static string? OneOf(string text, IReadOnlyList<string> allowed, Action<string> set)
    {
        var match = allowed.FirstOrDefault(a => string.Equals(a, text, StringComparison.OrdinalIgnoreCase));
        if (match is null)
        {
            return $"must be one of {string.Join(", ", allowed)}";
        }
        set(match);
        return null;
    }

    private static string? NotEmpty(string text, Action<string> set)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return "must name a file";
        }
        set(text);
        return null;
    }

    private static string? LoopbackUrl(string text, Action<Uri> set)
    {
        // Loopback only: the scenarios block and crash workers on purpose.
        if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || url.Scheme != Uri.UriSchemeHttp
            || url.AbsolutePath != "/" || !string.IsNullOrEmpty(url.Query)
            || !(url.IsLoopback && (url.Host == "localhost" || IPAddress.TryParse(url.Host.Trim('[', ']'), out _))))
        {
            return "must be http://127.0.0.1:PORT, http://[::1]:PORT or http://localhost:PORT (loopback only, no path)";
        }
        set(url);
        return null;
    }
}
