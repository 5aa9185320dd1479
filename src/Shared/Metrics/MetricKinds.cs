namespace ClusterHost.Metrics;

/// <summary>How a metric aggregates, in <see cref="MetricFamilySnapshot.Kind"/>.</summary>
internal static class MetricKinds
{
    /// <summary>A monotonic total (Counter, ObservableCounter): only goes up until the process restarts.</summary>
    public const string Counter = "counter";

    /// <summary>A current value that may go up and down (UpDownCounter, Gauge and their observable forms).</summary>
    public const string Gauge = "gauge";

    /// <summary>A distribution in fixed buckets with a sum and a count (Histogram).</summary>
    public const string Histogram = "histogram";
}
