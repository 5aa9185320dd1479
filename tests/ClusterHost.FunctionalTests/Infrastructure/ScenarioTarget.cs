namespace ClusterHost.FunctionalTests.Infrastructure;

/// <summary>The cluster a runner's <c>--json</c> describes.</summary>
internal sealed record ScenarioTarget(Uri Url, bool StartedByRunner, string? Mode, int? Workers, IReadOnlyList<int> Pids);
