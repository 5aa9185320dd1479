namespace ClusterHost.LoadTests.Reports;

/// <summary>
/// Count and percentiles of a set of latencies, in milliseconds: exact nearest-rank over every
/// value (a run holds a few thousand; no histogram buckets to round them). The p99.9 of fewer than
/// 1000 values is the maximum.
/// </summary>
internal sealed record LatencyPercentiles(int Count, double P50Ms, double P90Ms, double P99Ms, double P999Ms, double MaxMs)
{
    public static readonly LatencyPercentiles Empty = new(0, 0, 0, 0, 0, 0);

    public static LatencyPercentiles Of(IEnumerable<double> valuesMs)
    {
        var sorted = valuesMs.Order().ToArray();
        return sorted.Length == 0
            ? Empty
            : new LatencyPercentiles(sorted.Length,
                LatencyStats.Percentile(sorted, 0.50), LatencyStats.Percentile(sorted, 0.90), LatencyStats.Percentile(sorted, 0.99),
                LatencyStats.Percentile(sorted, 0.999), sorted[^1]);
    }

    public override string ToString() => Count == 0
        ? "-"
        : $"p50 {Format.Duration(P50Ms)}, p99 {Format.Duration(P99Ms)}, p99.9 {Format.Duration(P999Ms)}, max {Format.Duration(MaxMs)}";
}
