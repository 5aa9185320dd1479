namespace ClusterHost.Metrics;

/// <summary>One instrument's series in a <see cref="WorkerMetricsSnapshot"/>.</summary>
internal sealed record MetricFamilySnapshot
{
    /// <summary>The instrument name, dotted (<c>http.server.request.duration</c>).</summary>
    public required string Name { get; init; }

    /// <summary>The UCUM unit (<c>s</c>, <c>By</c>, <c>{request}</c>), if any.</summary>
    public string? Unit { get; init; }

    public string? Description { get; init; }

    /// <summary>One of <see cref="MetricKinds"/>.</summary>
    public required string Kind { get; init; }

    /// <summary>Histogram bucket upper bounds (inclusive), ascending; +Inf is implied after the last.</summary>
    public IReadOnlyList<double>? Bounds { get; init; }

    public IReadOnlyList<MetricPointSnapshot> Points { get; init; } = [];
}
