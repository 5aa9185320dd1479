using System.Text.Json.Serialization;

namespace ClusterHost.LoadTests.Cluster;

/// <summary>The cluster a scenario drives: one the runner started, or one at <c>--url</c>.</summary>
internal sealed record ClusterTarget
{
    public required Uri Url { get; init; }

    /// <summary>True when the runner started the cluster (and stops it).</summary>
    public required bool StartedByRunner { get; init; }

    /// <summary>The balancing mode; null when unknown (<c>--url</c>).</summary>
    public string? Mode { get; init; }

    /// <summary>The number of workers; null when unknown (<c>--url</c>).</summary>
    public int? Workers { get; init; }

    /// <summary>The worker pids at start, as the primary's ready line lists them; empty when unknown.</summary>
    public IReadOnlyList<int> Pids { get; init; } = [];

    /// <summary>The primary's pid; null when unknown (<c>--url</c>).</summary>
    public int? PrimaryPid { get; init; }

    /// <summary>The primary's output so far (empty for <c>--url</c>).</summary>
    [JsonIgnore]
    public Func<IReadOnlyList<string>> PrimaryOutput { get; init; } = () => [];
}
