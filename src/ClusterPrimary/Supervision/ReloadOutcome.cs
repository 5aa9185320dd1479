namespace ClusterHost.Primary.Supervision;

/// <summary>How one rolling reload ended.</summary>
/// <param name="Succeeded">True when every ready worker was replaced.</param>
/// <param name="Replaced">Workers replaced by new ones.</param>
/// <param name="Total">Slots when the reload started.</param>
/// <param name="Failure">Why the reload stopped (the rest keep the old build); null when it succeeded.</param>
internal sealed record ReloadOutcome(bool Succeeded, int Replaced, int Total, string? Failure);
