using System.Text.Json.Serialization;
using ClusterHost.LoadTests.Cluster;
using ClusterHost.LoadTests.Load;
using ClusterHost.LoadTests.Reports;

namespace ClusterHost.LoadTests.Scenarios;

/// <summary>Everything one run measured: what <c>--json</c> writes. One of the reports is set, per the scenario.</summary>
internal sealed record ScenarioResult
{
    public required string Scenario { get; init; }

    public required ClusterTarget Target { get; init; }

    public required IReadOnlyList<ConnectionRecord> Connections { get; init; }

    public required IReadOnlyList<RequestRecord> Requests { get; init; }

    public StickinessReport? Stickiness { get; init; }

    public BlockedWorkerReport? BlockedWorker { get; init; }

    public CrashReport? Crash { get; init; }

    public ChaosReport? Chaos { get; init; }

    public MixedCostReport? MixedCost { get; init; }
    public SignalRReport? SignalR { get; init; }

    public string Verdict => Report.Verdict;

    [JsonIgnore]
    public IScenarioReport Report => (IScenarioReport?)Stickiness ?? (IScenarioReport?)BlockedWorker ?? (IScenarioReport?)Crash ?? (IScenarioReport?)Chaos ?? (IScenarioReport?)MixedCost ?? SignalR
        ?? throw new InvalidOperationException("a result without a report");
}
