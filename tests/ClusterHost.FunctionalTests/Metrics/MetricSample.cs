namespace ClusterHost.FunctionalTests.Metrics;

/// <summary>One sample line of a Prometheus text exposition.</summary>
internal sealed record MetricSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value)
{
    public string? this[string label] => Labels.GetValueOrDefault(label);
}
