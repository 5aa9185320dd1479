using System.Text.Json.Serialization;

namespace ClusterHost.LoadTests.Load;

/// <summary>One request the runner sent, as measured by the runner. Times are milliseconds since the scenario started.</summary>
internal sealed record RequestRecord
{
    /// <summary>The connection it ran on (<see cref="ConnectionRecord.Id"/>); 0 when none could be opened.</summary>
    public required int Connection { get; init; }

    public required RequestKind Kind { get; init; }

    public required string Path { get; init; }

    public required double StartMs { get; init; }

    /// <summary>Open loop (mixed-cost): when the request was due; it may have been sent later, when its connection was free.</summary>
    public double? IntendedMs { get; init; }

    public required double DurationMs { get; init; }

    public required RequestOutcome Outcome { get; init; }

    /// <summary>HTTP status, when answered.</summary>
    public int? Status { get; init; }

    /// <summary>The worker slot that answered, from the SampleApp's JSON.</summary>
    public int? Worker { get; init; }

    /// <summary>The worker process that answered.</summary>
    public int? Pid { get; init; }

    /// <summary>Why it was not answered.</summary>
    public string? Error { get; init; }

    [JsonIgnore]
    public double EndMs => StartMs + DurationMs;

    /// <summary>From when the request was due (open loop) or sent, to its answer.</summary>
    [JsonIgnore]
    public double LatencyMs => EndMs - (IntendedMs ?? StartMs);

    [JsonIgnore]
    public bool Succeeded => Outcome == RequestOutcome.Answered && Status is >= 200 and < 300;
}
