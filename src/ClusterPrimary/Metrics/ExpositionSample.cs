namespace ClusterHost.Primary.Metrics;

/// <summary>
/// One sample line of an exposition the primary passes through (an app's prometheus-net registry):
/// its full name (<c>x_bucket</c>, <c>x_sum</c>...), labels (<c>le</c> and <c>quantile</c> included) and
/// value as written.
/// </summary>
internal sealed record ExpositionSample(string Name, IReadOnlyList<KeyValuePair<string, string>> Labels, string Value)
{
    /// <summary>The sample's timestamp in milliseconds, as written; null when it has none (prometheus-net writes none).</summary>
    public string? Timestamp { get; init; }
}
