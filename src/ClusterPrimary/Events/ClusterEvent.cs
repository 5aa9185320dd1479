namespace ClusterHost.Primary.Events;

/// <summary>One entry of the <see cref="ClusterEventLog"/>.</summary>
/// <param name="Sequence">Grows by one per event since the primary started: a reader asks for the events after the last it saw.</param>
/// <param name="Time">When it happened (UTC).</param>
/// <param name="Kind">What happened.</param>
/// <param name="WorkerId">The slot it concerns; null for cluster-wide events.</param>
/// <param name="Pid">The worker process it concerns, if one.</param>
/// <param name="Message">One line for people.</param>
internal sealed record ClusterEvent(long Sequence, DateTimeOffset Time, ClusterEventKind Kind, int? WorkerId, int? Pid, string Message);
