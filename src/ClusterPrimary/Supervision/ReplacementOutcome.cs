namespace ClusterHost.Primary.Supervision;

/// <summary>How a graceful replacement of a slot's worker (<see cref="WorkerSlot.ReplaceWithOutcomeAsync"/>) ended.</summary>
/// <param name="Replaced">True when the new worker serves and the old one was drained.</param>
/// <param name="OldPid">The worker that was (or was to be) replaced, if there was one.</param>
/// <param name="NewPid">The new worker, if one was launched.</param>
/// <param name="Failure">Why the old worker was kept, in words; null when replaced.</param>
internal sealed record ReplacementOutcome(bool Replaced, int? OldPid, int? NewPid, string? Failure);
