using ClusterHost.LoadTests.Load;

namespace ClusterHost.LoadTests.Reports;

/// <summary>A request the crash scenario lost, and the worker that owned its connection.</summary>
/// <param name="InFlight">It was sent, and its connection died before the answer, still awaited when <c>/crash</c> was sent.</param>
internal sealed record FailedRequestRow(int Connection, int? Owner, int? OwnerPid, RequestKind Kind, string Path, double StartMs, double DurationMs, RequestOutcome Outcome, bool InFlight, string? Error);
