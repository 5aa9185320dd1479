namespace ClusterHost.LoadTests.Reports;

/// <summary>Count and percentiles of a set of request durations, in milliseconds (nearest-rank percentiles).</summary>
internal sealed record LatencyStats(int Count, double P50Ms, double P99Ms, double MaxMs)
{
    public static readonly LatencyStats Empty = new(0, 0, 0, 0);

    public static LatencyStats Of(IEnumerable<double> durationsMs)
    {
        var sorted = durationsMs.Order().ToArray();
        return sorted.Length == 0
            ? Empty
            : new LatencyStats(sorted.Length, Percentile(sorted, 0.50), Percentile(sorted, 0.99), sorted[^1]);
    }

    /// <summary>The smallest value with at least <paramref name="fraction"/> of the values at or below it.</summary>
    internal static double Percentile(double[] sorted, double fraction)
    {
        var rank = (int)Math.Ceiling(fraction * sorted.Length);
        return sorted[Math.Clamp(rank, 1, sorted.Length) - 1];
    }

    public override string ToString() =>
        Count == 0 ? "-" : $"p50 {Format.Duration(P50Ms)}, p99 {Format.Duration(P99Ms)}, max {Format.Duration(MaxMs)}";
}
