using System.Reflection;
using ClusterHost.Metrics;
using ClusterHost.Worker.Internal;
using Microsoft.Extensions.Logging;

namespace ClusterHost.Worker.Metrics;

/// <summary>
/// The worker's metrics: every measurement of the meters <c>--metrics-meters</c> selects (by
/// default every meter in the process: the app's, the framework's, its libraries', ClusterHost's),
/// aggregated in the worker by a <see cref="MeterCollector"/>, and the app's prometheus-net
/// registry if it has one. <see cref="Collect"/> takes a snapshot for the primary.
/// </summary>
/// <remarks>
/// The listener starts when this is constructed, which the host does while resolving its
/// hosted services, before Kestrel starts: no request goes uncounted. ClusterHost's own meter
/// (<see cref="ResponsivenessProbe.MeterName"/>) is collected whatever the patterns say.
/// </remarks>
internal sealed class WorkerMetricsCollector : IDisposable
{
    private readonly MeterCollector _collector;
    private readonly AppPrometheusRegistry _prometheus = new();

    public WorkerMetricsCollector(WorkerEnvironment environment, ILogger<WorkerMetricsCollector> logger)
        : this(MeterPatterns.Parse(environment.MetricsMeters, out _) ?? MeterPatterns.Defaults, logger)
    {
    }

    /// <summary>Collects exactly the meters named (tests).</summary>
    internal WorkerMetricsCollector(IEnumerable<string> meters, ILogger logger)
        : this(new HashSet<string>(meters, StringComparer.Ordinal).Contains, logger)
    {
    }

    internal WorkerMetricsCollector(MeterPatterns meters, ILogger logger)
        : this(name => name == ResponsivenessProbe.MeterName || meters.Matches(name), logger)
    {
    }

    private WorkerMetricsCollector(Func<string, bool> includeMeter, ILogger logger)
    {
        _collector = new MeterCollector(
            instrument => includeMeter(instrument.Meter.Name),
            instrument => Log.MetricSeriesCapped(logger, instrument.Name, InstrumentAggregation.MaxSeries));
    }

    /// <summary>The app's version, reported with every snapshot.</summary>
    public string AppVersion { get; init; } = ReadAppVersion();

    /// <summary>
    /// Polls the observable instruments and returns every instrument's series, with the app's
    /// prometheus-net exposition. Runs on the calling thread and needs no thread-pool thread for
    /// the meters, so a worker whose pool is starved still answers.
    /// </summary>
    public WorkerMetricsSnapshot Collect() => new()
    {
        AppVersion = AppVersion,
        Families = _collector.Collect(),
        PrometheusText = _prometheus.Export(),
    };

    private static string ReadAppVersion()
    {
        var assembly = Assembly.GetEntryAssembly();
        return assembly?.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? assembly?.GetName().Version?.ToString()
            ?? "unknown";
    }

    public void Dispose() => _collector.Dispose();
}
