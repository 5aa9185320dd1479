using System.Globalization;
using System.Net;
using ClusterHost.Control;
using ClusterHost.Text;
using ClusterHost.Tls;

namespace ClusterHost.Worker.Internal;

/// <summary>What the primary told this worker through its environment.</summary>
internal sealed record WorkerEnvironment
{
    public required string ControlAddress { get; init; }
    public required string Token { get; init; }
    public required int WorkerId { get; init; }
    public required int WorkerCount { get; init; }
    public required string ListenMode { get; init; }
    public IReadOnlyList<IPEndPoint> Endpoints { get; init; } = [];
    public string? UnixSocketPath { get; init; }

    /// <summary>The inherited listening sockets' descriptor numbers (<see cref="WorkerListenModes.Inherited"/>).</summary>
    public IReadOnlyList<int> InheritedDescriptors { get; init; } = [];
    public required TimeSpan ShutdownTimeout { get; init; }

    /// <summary><see cref="WorkerListenModes.Handoff"/>: the primary's handoff socket and this launch's token, space-separated.</summary>
    public string? Handoff { get; init; }

    /// <summary>The shared data-protection key directory, when the primary gave one.</summary>
    public string? KeyDirectory { get; init; }

    /// <summary>The endpoints of <see cref="Endpoints"/> served with TLS.</summary>
    public IReadOnlyList<IPEndPoint> HttpsEndpoints { get; init; } = [];

    /// <summary>The TLS endpoints' certificate; null when there are none.</summary>
    public CertificateFiles? Certificate { get; init; }

    /// <summary>HTTP versions of the public endpoints.</summary>
    public ListenProtocols Protocols { get; init; } = ListenProtocols.Http1And2;

    /// <summary>Behind the proxy: where to listen for HTTP/2 with prior knowledge (a socket path or an IP endpoint); null for none.</summary>
    public string? Http2Listen { get; init; }

    /// <summary>True when <paramref name="endpoint"/> is one of the TLS endpoints.</summary>
    public bool IsHttps(EndPoint? endpoint) => endpoint is IPEndPoint ip && HttpsEndpoints.Contains(ip);

    /// <summary>Which meters to collect (<c>--metrics-meters</c>); every meter when the primary gave none.</summary>
    public string MetricsMeters { get; init; } = ClusterHost.Metrics.MeterPatterns.Default;

    /// <summary>This launch's generation within its slot; 0 when the primary gave none.</summary>
    public long Generation { get; init; }

    /// <summary>Where the launches listen for forwarded SignalR requests; null when the primary gave none (no affinity).</summary>
    public string? AffinityDirectory { get; init; }
    /// <summary>The primary's SignalR relay socket; null when the primary gave none (SignalR stays per worker).</summary>
    public string? SignalRRelayAddress { get; init; }

    /// <summary>
    /// Reads the worker variables, then removes them from the process environment, all but
    /// <see cref="WorkerEnvironmentVariables.KeptForTheApp"/>. Null when the process was not
    /// started by a primary.
    /// </summary>
    /// <exception cref="InvalidOperationException">A variable is missing or malformed.</exception>
    public static WorkerEnvironment? ReadAndClear(Func<string, string?> get, Action<string, string?> set)
    {
        if (string.IsNullOrEmpty(get(WorkerEnvironmentVariables.Control)))
        {
            return null;
        }
        var values = WorkerEnvironmentVariables.All.ToDictionary(name => name, get);
        foreach (var name in WorkerEnvironmentVariables.All.Except(WorkerEnvironmentVariables.KeptForTheApp))
        {
            set(name, null);
        }
        return Parse(values);
    }

    internal static WorkerEnvironment Parse(IReadOnlyDictionary<string, string?> values)
    {
        string? Optional(string name) => values.GetValueOrDefault(name) is { Length: > 0 } value ? value : null;

        string Required(string name) =>
            values.TryGetValue(name, out var value) && !string.IsNullOrEmpty(value)
                ? value
                : throw Malformed(name, "is missing");

        int Int(string name, int min, int max)
        {
            var text = Required(name);
            return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
                ? value
                : throw Malformed(name, $"must be a whole number from {min} to {max} (got '{text}')");
        }

        var count = Int(WorkerEnvironmentVariables.WorkerCount, 1, int.MaxValue);
        var mode = Required(WorkerEnvironmentVariables.ListenMode);
        var listen = Required(WorkerEnvironmentVariables.Listen);
        var environment = new WorkerEnvironment
        {
            ControlAddress = Required(WorkerEnvironmentVariables.Control),
            Token = Required(WorkerEnvironmentVariables.Token),
            WorkerCount = count,
            WorkerId = Int(WorkerEnvironmentVariables.WorkerId, 0, count - 1),
            ListenMode = mode,
            ShutdownTimeout = TimeSpan.FromMilliseconds(Int(WorkerEnvironmentVariables.ShutdownTimeoutMs, 0, int.MaxValue)),
            KeyDirectory = Optional(WorkerEnvironmentVariables.KeyDirectory),
            Protocols = Optional(WorkerEnvironmentVariables.Protocols) is { } protocols
                ? EnumNames<ListenProtocols>.TryParse(protocols, out var parsed)
                    ? parsed
                    : throw Malformed(WorkerEnvironmentVariables.Protocols, $"must be one of {string.Join(", ", EnumNames<ListenProtocols>.All)} (got '{protocols}')")
                : ListenProtocols.Http1And2,
            Http2Listen = Optional(WorkerEnvironmentVariables.Http2Listen),
            MetricsMeters = Optional(WorkerEnvironmentVariables.MetricsMeters) ?? ClusterHost.Metrics.MeterPatterns.Default,
            Generation = Optional(WorkerEnvironmentVariables.Generation) is { } generation
                ? long.TryParse(generation, NumberStyles.None, CultureInfo.InvariantCulture, out var launch)
                    ? launch
                    : throw Malformed(WorkerEnvironmentVariables.Generation, $"must be a whole number (got '{generation}')")
                : 0,
            AffinityDirectory = Optional(WorkerEnvironmentVariables.AffinityDirectory),
            SignalRRelayAddress = Optional(WorkerEnvironmentVariables.SignalRRelay),
        };
        if (Optional(WorkerEnvironmentVariables.HttpsListen) is { } httpsListen)
        {
            environment = environment with
            {
                HttpsEndpoints = ParseEndpoints(httpsListen, WorkerEnvironmentVariables.HttpsListen),
                Certificate = new CertificateFiles(
                    Required(WorkerEnvironmentVariables.Certificate),
                    Optional(WorkerEnvironmentVariables.CertificateKey),
                    Optional(WorkerEnvironmentVariables.CertificatePassword)),
            };
        }
        return mode switch
        {
            WorkerListenModes.ReusePort or WorkerListenModes.Tcp => environment with { Endpoints = ParseEndpoints(listen, WorkerEnvironmentVariables.Listen) },
            WorkerListenModes.Unix => environment with { UnixSocketPath = listen },
            WorkerListenModes.Inherited => environment with { InheritedDescriptors = ParseDescriptors(listen) },
            WorkerListenModes.Handoff => environment with
            {
                Endpoints = ParseEndpoints(listen, WorkerEnvironmentVariables.Listen),
                Handoff = Required(WorkerEnvironmentVariables.Handoff),
            },
            _ => throw Malformed(WorkerEnvironmentVariables.ListenMode,
                $"must be '{WorkerListenModes.ReusePort}', '{WorkerListenModes.Unix}' or '{WorkerListenModes.Tcp}', '{WorkerListenModes.Inherited}' or '{WorkerListenModes.Handoff}' (got '{mode}')"),
        };
    }

    private static IPEndPoint[] ParseEndpoints(string listen, string variable)
    {
        var parts = listen.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length == 0)
        {
            throw Malformed(variable, "names no endpoint");
        }
        return [.. parts.Select(part => IPEndPoint.TryParse(part, out var endpoint)
            ? endpoint
            : throw Malformed(variable, $"has '{part}', which is not an IP endpoint"))];
    }

    private static int[] ParseDescriptors(string listen)
    {
        var parts = listen.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length == 0)
        {
            throw Malformed(WorkerEnvironmentVariables.Listen, "names no descriptor");
        }
        return [.. parts.Select(part => int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var fd) && fd >= 3
            ? fd
            : throw Malformed(WorkerEnvironmentVariables.Listen, $"has '{part}', which is not a descriptor number of 3 or more"))];
    }

    private static InvalidOperationException Malformed(string name, string problem) =>
        new($"ClusterWorker: environment variable {name} {problem}; it is set by the ClusterHost primary and should not be set by hand.");
}
