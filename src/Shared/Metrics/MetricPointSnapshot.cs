namespace ClusterHost.Metrics;

/// <summary>One series (one combination of tag values) of a <see cref="MetricFamilySnapshot"/>.</summary>
internal sealed record MetricPointSnapshot
{
    /// <summary>Tag names and values, as the instrument recorded them.</summary>
    public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>();

    /// <summary>The total of a counter or the current value of a gauge.</summary>
    public double Value { get; init; }

    /// <summary>
    /// Histogram only: how many measurements fell in each bucket, one more entry than
    /// <see cref="MetricFamilySnapshot.Bounds"/> (the last is the +Inf bucket). Not cumulative.
    /// </summary>
    public IReadOnlyList<long>? BucketCounts { get; init; }

    /// <summary>Histogram only: the sum of every measurement.</summary>
    public double Sum { get; init; }

    /// <summary>Histogram only: how many measurements were recorded.</summary>
    public long Count { get; init; }
}
