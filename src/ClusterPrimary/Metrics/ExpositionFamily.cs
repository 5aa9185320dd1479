namespace ClusterHost.Primary.Metrics;

/// <summary>One family of a parsed text exposition: its name, TYPE, HELP and samples in order.</summary>
internal sealed class ExpositionFamily(string name, PrometheusMetricType type)
{
    public string Name { get; } = name;

    public PrometheusMetricType Type { get; } = type;

    /// <summary>The HELP text, unescaped; null when the exposition gave none.</summary>
    public string? Help { get; set; }

    public List<ExpositionSample> Samples { get; } = [];
}
