namespace ClusterHost.Metrics;

/// <summary>
/// Keeps the latest measurement: gauges, and the observable counters and up-down counters,
/// whose callbacks report the current total rather than a delta.
/// </summary>
internal sealed class LastValueAggregator(IReadOnlyDictionary<string, string> tags) : SeriesAggregator(tags)
{
    private double _value;

    public override void Record(double value) => Volatile.Write(ref _value, value);

    public override MetricPointSnapshot? ToPoint()
    {
        var value = Volatile.Read(ref _value);
        return double.IsFinite(value) ? new MetricPointSnapshot { Tags = Tags, Value = value } : null;
    }
}
