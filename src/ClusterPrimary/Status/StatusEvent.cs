namespace ClusterHost.Primary.Status;

/// <summary>One event of the cluster's event log, in a <see cref="ClusterStatus"/>.</summary>
/// <param name="Sequence">Grows by one per event since the primary started.</param>
/// <param name="Time">When (UTC).</param>
/// <param name="Kind">restart, gave-up, reload-started, reload-progress, reload-finished, reload-failed, scaled-up, scaled-down, hung-captured, recycling, stopping.</param>
/// <param name="Message">One line for people.</param>
/// <param name="Worker">The slot it concerns, if one.</param>
/// <param name="Pid">The worker process it concerns, if one.</param>
internal sealed record StatusEvent(long Sequence, DateTimeOffset Time, string Kind, string Message, int? Worker = null, int? Pid = null);
