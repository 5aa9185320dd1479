namespace ClusterHost.Primary.Status;

/// <summary>The warm standbys (<c>--standby</c>) in a <see cref="ClusterStatus"/>: the same counts as <c>clusterhost_standby*</c> on <c>/metrics</c>.</summary>
internal sealed record StandbyStatus
{
    /// <summary>How many are kept (<c>--standby</c>).</summary>
    public required int Configured { get; init; }

    /// <summary>Warm and ready to take a slot now.</summary>
    public required int Warm { get; init; }

    /// <summary>Started and still warming up now.</summary>
    public required int Warming { get; init; }

    /// <summary>Worker launches that started from a warm standby instead of cold.</summary>
    public required long Taken { get; init; }

    /// <summary>Standbys killed unused because the app's files or a runtime variable changed.</summary>
    public required long Discarded { get; init; }

    /// <summary>Standbys that could not be started or exited while they waited.</summary>
    public required long Failed { get; init; }
}
