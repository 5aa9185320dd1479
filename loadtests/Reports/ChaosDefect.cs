using ClusterHost.LoadTests.Load;

namespace ClusterHost.LoadTests.Reports;

/// <summary>A failed request the soak counts as a defect, with the worker its connection was on (when known).</summary>
internal sealed record ChaosDefect(RequestRecord Request, int? OwnerPid, string Why);
