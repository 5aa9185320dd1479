using System.Globalization;
using System.Net;
using ClusterHost.Control;

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
    public required TimeSpan ShutdownTimeout { get; init; }

    /// <summary>The shared data-protection key directory, when the primary gave one.</summary>
    public string? KeyDirectory { get; init; }

    /// <summary>Which meters to collect (<c>--metrics-meters</c>); every meter when the primary gave none.</summary>
    public string MetricsMeters { get; init; } = ClusterHost.Metrics.MeterPatterns.Default;

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
            KeyDirectory = values.GetValueOrDefault(WorkerEnvironmentVariables.KeyDirectory) is { Length: > 0 } keys ? keys : null,
            MetricsMeters = values.GetValueOrDefault(WorkerEnvironmentVariables.MetricsMeters) is { Length: > 0 } meters ? meters : ClusterHost.Metrics.MeterPatterns.Default,
        };
        return mode switch
        {
            WorkerListenModes.ReusePort or WorkerListenModes.Tcp => environment with { Endpoints = ParseEndpoints(listen) },
            WorkerListenModes.Unix => environment with { UnixSocketPath = listen },
            _ => throw Malformed(WorkerEnvironmentVariables.ListenMode,
                $"must be '{WorkerListenModes.ReusePort}', '{WorkerListenModes.Unix}' or '{WorkerListenModes.Tcp}' (got '{mode}')"),
        };
    }

    private static IPEndPoint[] ParseEndpoints(string listen)
    {
        var parts = listen.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length == 0)
        {
            throw Malformed(WorkerEnvironmentVariables.Listen, "names no endpoint");
        }
        return [.. parts.Select(part => IPEndPoint.TryParse(part, out var endpoint)
            ? endpoint
            : throw Malformed(WorkerEnvironmentVariables.Listen, $"has '{part}', which is not an IP endpoint"))];
    }

    private static InvalidOperationException Malformed(string name, string problem) =>
        new($"ClusterWorker: environment variable {name} {problem}; it is set by the ClusterHost primary and should not be set by hand.");
}
