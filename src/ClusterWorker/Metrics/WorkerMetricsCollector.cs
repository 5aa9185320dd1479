using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Reflection;
using ClusterHost.Metrics;
using ClusterHost.Worker.Internal;
using Microsoft.Extensions.Logging;

namespace ClusterHost.Worker.Metrics;

/// <summary>
/// Listens to the worker's meters with a <see cref="MeterListener"/> and aggregates every
/// measurement in the worker: counters add up, gauges keep their latest value, histograms count
/// into fixed buckets. <see cref="Collect"/> takes a snapshot for the primary.
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

    private readonly HashSet<string> _meters;
    private readonly ConcurrentDictionary<Instrument, InstrumentAggregation> _instruments = new();
    private readonly MeterListener _listener = new();
    private readonly Lock _collectGate = new();
    private readonly ILogger _logger;

    public WorkerMetricsCollector(ILogger<WorkerMetricsCollector> logger)
        : this(DefaultMeters, logger)
    {
    }

    internal WorkerMetricsCollector(IEnumerable<string> meters, ILogger logger)
    {
        _meters = new HashSet<string>(meters, StringComparer.Ordinal);
        _logger = logger;
        _listener.InstrumentPublished = OnInstrumentPublished;
        _listener.MeasurementsCompleted = (instrument, _) => _instruments.TryRemove(instrument, out InstrumentAggregation? _);
        _listener.SetMeasurementEventCallback<double>(static (_, value, tags, state) => ((InstrumentAggregation)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<float>(static (_, value, tags, state) => ((InstrumentAggregation)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<long>(static (_, value, tags, state) => ((InstrumentAggregation)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<int>(static (_, value, tags, state) => ((InstrumentAggregation)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<short>(static (_, value, tags, state) => ((InstrumentAggregation)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<byte>(static (_, value, tags, state) => ((InstrumentAggregation)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<decimal>(static (_, value, tags, state) => ((InstrumentAggregation)state!).Record((double)value, tags));
        _listener.Start();
    }

    /// <summary>The app's version, reported with every snapshot.</summary>
    public string AppVersion { get; init; } = ReadAppVersion();

    private void OnInstrumentPublished(Instrument instrument, MeterListener listener)
    {
        if (!_meters.Contains(instrument.Meter.Name))
        {
            return;
        }
        var aggregation = _instruments.GetOrAdd(instrument, static (i, logger) => new InstrumentAggregation(i, OnOverflow(logger)), _logger);
        listener.EnableMeasurementEvents(instrument, aggregation);
    }

    private static Action<Instrument> OnOverflow(ILogger logger) =>
        instrument => Log.MetricSeriesCapped(logger, instrument.Name, InstrumentAggregation.MaxSeries);

    /// <summary>
    /// Polls the observable instruments and returns every instrument's series. Runs on the
    /// calling thread and needs no thread-pool thread, so a worker whose pool is starved still answers.
    /// </summary>
    public WorkerMetricsSnapshot Collect()
    {
        lock (_collectGate)
        {
            _listener.RecordObservableInstruments();
            var families = new List<MetricFamilySnapshot>(_instruments.Count);
            foreach (var aggregation in _instruments.Values)
            {
                var family = aggregation.ToSnapshot();
                if (family.Points.Count > 0)
                {
                    families.Add(family);
                }
            }
            families.Sort(static (a, b) => string.CompareOrdinal(a.Name, b.Name));
            return new WorkerMetricsSnapshot { AppVersion = AppVersion, Families = families };
        }
    }

    private static string ReadAppVersion()
    {
        var assembly = Assembly.GetEntryAssembly();
        return assembly?.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? assembly?.GetName().Version?.ToString()
            ?? "unknown";
    }

    public void Dispose() => _listener.Dispose();
}
