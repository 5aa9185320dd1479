namespace ClusterHost.Metrics;

/// <summary>
/// The running aggregate of one series (one instrument, one combination of tag values). Called
/// concurrently from every thread that records a measurement.
/// </summary>
internal abstract class SeriesAggregator(IReadOnlyDictionary<string, string> tags)
{
    public IReadOnlyDictionary<string, string> Tags { get; } = tags;

    public abstract void Record(double value);

    /// <summary>The current aggregate; null when it holds nothing exportable (a non-finite value).</summary>
    public abstract MetricPointSnapshot? ToPoint();
}
