namespace ClusterHost.FunctionalTests.Infrastructure;

/// <summary>One request as the runner's <c>--json</c> records it (times in ms since the scenario started).</summary>
internal sealed record ScenarioRequest(
    int Connection, string Kind, string Path, double StartMs, double DurationMs, string Outcome, int? Status, int? Worker, int? Pid,
    double? IntendedMs = null)
{
    public double EndMs => StartMs + DurationMs;

    public bool Succeeded => Outcome == "Answered" && Status is >= 200 and < 300;
}
