namespace ClusterHost.Metrics;

/// <summary>
/// Counts measurements in fixed buckets (a value equal to a bound falls in that bound's bucket,
/// as Prometheus's <c>le</c> means), with their sum and count, taken together under one lock so
/// a snapshot is always consistent: the buckets add up to the count.
/// </summary>
internal sealed class HistogramAggregator(IReadOnlyDictionary<string, string> tags, double[] bounds) : SeriesAggregator(tags)
{
    private readonly long[] _bucketCounts = new long[bounds.Length + 1];
    private readonly Lock _gate = new();
    private double _sum;
    private long _count;

    public override void Record(double value)
    {
        if (!double.IsFinite(value))
        {
            return;
        }
        var index = Array.BinarySearch(bounds, value);
        if (index < 0)
        {
            index = ~index;
        }
        lock (_gate)
        {
            _bucketCounts[index]++;
            _sum += value;
            _count++;
        }
    }

    public override MetricPointSnapshot? ToPoint()
    {
        lock (_gate)
        {
            return new MetricPointSnapshot { Tags = Tags, BucketCounts = [.. _bucketCounts], Sum = _sum, Count = _count };
        }
    }
}
