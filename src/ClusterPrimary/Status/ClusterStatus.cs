namespace ClusterHost.Primary.Status;

/// <summary>
/// The cluster at one moment, as <c>clusterhost status --json</c> prints it and the status page
/// reads it. Its JSON form is documented in docs/control.md and only grows: fields are added,
/// never renamed or removed, within one <see cref="Schema"/>.
/// </summary>
internal sealed record ClusterStatus
{
    /// <summary>The version of this format: 1.</summary>
    public int Schema { get; init; } = 1;

    /// <summary>When this status was taken (UTC).</summary>
    public required DateTimeOffset Time { get; init; }

    public required int PrimaryPid { get; init; }

    /// <summary>When the primary started (UTC).</summary>
    public required DateTimeOffset StartedAt { get; init; }

    /// <summary>The balancing mode: <c>reuseport</c>, <c>shared</c>, <c>handoff</c> or <c>proxy</c>.</summary>
    public required string Mode { get; init; }

    /// <summary>The public URLs, ports resolved.</summary>
    public required IReadOnlyList<string> Urls { get; init; }

    /// <summary>The <c>/metrics</c> URLs; empty when turned off.</summary>
    public required IReadOnlyList<string> MetricsUrls { get; init; }

    /// <summary>The status page's URLs (on the metrics listener); empty when that is off.</summary>
    public required IReadOnlyList<string> StatusUrls { get; init; }

    /// <summary>The control socket's path.</summary>
    public string? ControlSocket { get; init; }

    /// <summary>Full path of the app's .dll or apphost.</summary>
    public required string AppPath { get; init; }

    /// <summary>The app version the workers report (their entry assembly's informational version); null until one has answered a scrape.</summary>
    public string? AppVersion { get; init; }

    /// <summary>The workers' working directory.</summary>
    public required string WorkingDirectory { get; init; }

    /// <summary>One entry per worker slot, lowest id first.</summary>
    public required IReadOnlyList<WorkerStatus> Workers { get; init; }

    /// <summary>The warm standbys; null (left out) when <c>--standby</c> is 0.</summary>
    public StandbyStatus? Standbys { get; init; }

    /// <summary>The recent events, oldest first; only when asked for (<c>--events</c>, the page).</summary>
    public IReadOnlyList<StatusEvent>? Events { get; init; }
}
