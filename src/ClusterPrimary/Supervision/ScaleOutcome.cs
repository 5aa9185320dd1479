namespace ClusterHost.Primary.Supervision;

/// <summary>How a request to scale to a number of workers (<see cref="SlotSupervisor.ScaleToAsync"/>) ended.</summary>
/// <param name="Succeeded">True when the cluster has the target number of slots, each with a ready worker.</param>
/// <param name="Workers">Slots at the end.</param>
/// <param name="Failure">Why the target was not reached; null on success.</param>
internal sealed record ScaleOutcome(bool Succeeded, int Workers, string? Failure);
