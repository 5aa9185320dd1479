using System.Reflection;
using ClusterHost.Metrics;
using ClusterHost.Worker.Internal;
using Microsoft.Extensions.Logging;

namespace ClusterHost.Worker.Metrics;

/// <summary>
/// The worker's metrics: every measurement of its meters, aggregated in the worker by a
/// <see cref="MeterCollector"/>. <see cref="Collect"/> takes a snapshot for the primary.
/// </summary>
/// <remarks>
/// The listener starts when this is constructed, which the host does while resolving its
/// hosted services, before Kestrel starts: no request goes uncounted.
/// </remarks>
internal sealed class WorkerMetricsCollector : IDisposable
{
    /// <summary>
    /// The meters collected: ASP.NET Core's hosting (HTTP requests) and Kestrel (connections)
    /// meters, the runtime's meter (CPU, memory, GC, thread pool, locks), and ClusterHost's own.
    /// </summary>
    public static readonly IReadOnlyList<string> DefaultMeters =
    [
        "Microsoft.AspNetCore.Hosting",
        "Microsoft.AspNetCore.Server.Kestrel",
        "System.Runtime",
        ResponsivenessProbe.MeterName,
    ];

    private readonly MeterCollector _collector;

    public WorkerMetricsCollector(ILogger<WorkerMetricsCollector> logger)
        : this(DefaultMeters, logger)
    {
    }

    internal WorkerMetricsCollector(IEnumerable<string> meters, ILogger logger)
    {
        var names = new HashSet<string>(meters, StringComparer.Ordinal);
        _collector = new MeterCollector(
            instrument => names.Contains(instrument.Meter.Name),
            instrument => Log.MetricSeriesCapped(logger, instrument.Name, InstrumentAggregation.MaxSeries));
    }

    /// <summary>The app's version, reported with every snapshot.</summary>
    public string AppVersion { get; init; } = ReadAppVersion();

    /// <summary>
    /// Polls the observable instruments and returns every instrument's series. Runs on the
    /// calling thread and needs no thread-pool thread, so a worker whose pool is starved still answers.
    /// </summary>
    public WorkerMetricsSnapshot Collect() => new() { AppVersion = AppVersion, Families = _collector.Collect() };

    private static string ReadAppVersion()
    {
        var assembly = Assembly.GetEntryAssembly();
        return assembly?.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? assembly?.GetName().Version?.ToString()
            ?? "unknown";
    }

    public void Dispose() => _collector.Dispose();
}
