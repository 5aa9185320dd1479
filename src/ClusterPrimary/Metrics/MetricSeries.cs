namespace ClusterHost.Primary.Metrics;

/// <summary>One series of a <see cref="MetricFamily"/>: its labels and value, or its histogram buckets.</summary>
internal sealed record MetricSeries
{
    /// <summary>Label names (valid Prometheus label names) and values, in the order written.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Labels { get; init; } = [];

    /// <summary>The sample value of a counter or gauge.</summary>
    public double Value { get; init; }

    /// <summary>Histogram only: upper bounds of the finite buckets, ascending.</summary>
    public IReadOnlyList<double>? Bounds { get; init; }

    /// <summary>
    /// Histogram only: measurements per bucket, not cumulative, one more than <see cref="Bounds"/>
    /// (the last is the +Inf bucket). The writer accumulates them; their total is the count.
    /// </summary>
    public IReadOnlyList<long>? BucketCounts { get; init; }

    /// <summary>Histogram only: the sum of the measurements.</summary>
    public double Sum { get; init; }

    public static MetricSeries Of(double value, params IReadOnlyList<KeyValuePair<string, string>> labels) =>
        new() { Value = value, Labels = labels };
}
