using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace ClusterHost.Metrics;

/// <summary>
/// Listens to the instruments a predicate selects with a <see cref="MeterListener"/> and
/// aggregates every measurement in process: counters add up, gauges keep their latest value,
/// histograms count into fixed buckets. <see cref="Collect"/> takes a snapshot. Used by each
/// worker for its own meters and by the primary for its proxy front's.
/// </summary>
/// <remarks>
/// Instruments that already exist are published to the listener when it starts, so a collector
/// made after the meters still sees every measurement from then on.
/// </remarks>
internal sealed class MeterCollector : IDisposable
{
    private readonly ConcurrentDictionary<Instrument, InstrumentAggregation> _instruments = new();
    private readonly MeterListener _listener = new();
    private readonly Lock _collectGate = new();
    private readonly Func<Instrument, bool> _include;
    private readonly Action<Instrument> _onOverflow;

    /// <param name="include">Which instruments to collect.</param>
    /// <param name="onOverflow">Called once per instrument whose series reach <see cref="InstrumentAggregation.MaxSeries"/>.</param>
    public MeterCollector(Func<Instrument, bool> include, Action<Instrument> onOverflow)
    {
        _include = include;
        _onOverflow = onOverflow;
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

    private void OnInstrumentPublished(Instrument instrument, MeterListener listener)
    {
        if (!_include(instrument))
        {
            return;
        }
        var aggregation = _instruments.GetOrAdd(instrument, static (i, onOverflow) => new InstrumentAggregation(i, onOverflow), _onOverflow);
        listener.EnableMeasurementEvents(instrument, aggregation);
    }

    /// <summary>
    /// Polls the observable instruments and returns every instrument's series that has any, by
    /// name. Runs on the calling thread and needs no thread-pool thread.
    /// </summary>
    public List<MetricFamilySnapshot> Collect()
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
            return families;
        }
    }

    public void Dispose() => _listener.Dispose();
}
