namespace ClusterHost.Primary.Configuration;

/// <summary>The validated, resolved settings the primary runs with. Immutable.</summary>
internal sealed record ClusterConfig
{
    public required int Workers { get; init; }
    public required IReadOnlyList<ListenUrl> Urls { get; init; }
    public required BalancingMode Mode { get; init; }

    /// <summary>Full path of the app's .dll.</summary>
    public required string AppPath { get; init; }

    public IReadOnlyList<string> AppArguments { get; init; } = [];
    public required TimeSpan ShutdownTimeout { get; init; }
    public required TimeSpan StartTimeout { get; init; }
    public required int MaxRestarts { get; init; }

    /// <summary>Where <c>/metrics</c> is served; empty when <c>--metrics-urls none</c>.</summary>
    public IReadOnlyList<ListenUrl> MetricsUrls { get; init; } = [];
}
