namespace ClusterHost.LoadTests.Load;

/// <summary>One request of an open-loop run, handed to its connection when it is due.</summary>
/// <param name="Index">Its number in the schedule.</param>
/// <param name="IntendedMs">When it was due (the run's clock).</param>
internal readonly record struct ScheduledRequest(long Index, double IntendedMs, RequestKind Kind, string Path);
