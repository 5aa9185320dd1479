namespace ClusterHost.Metrics;

/// <summary>Adds up every measurement: Counter (deltas, only positive) and UpDownCounter (deltas).</summary>
internal sealed class SumAggregator(IReadOnlyDictionary<string, string> tags) : SeriesAggregator(tags)
{
    private double _sum;

    public override void Record(double value)
    {
        double initial, computed;
        do
        {
            initial = Volatile.Read(ref _sum);
            computed = initial + value;
        }
        while (Interlocked.CompareExchange(ref _sum, computed, initial) != initial);
    }

    public override MetricPointSnapshot? ToPoint()
    {
        var sum = Volatile.Read(ref _sum);
        return double.IsFinite(sum) ? new MetricPointSnapshot { Tags = Tags, Value = sum } : null;
    }
}
