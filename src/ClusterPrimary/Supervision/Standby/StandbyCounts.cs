namespace ClusterHost.Primary.Supervision.Standby;

/// <summary>The warm standbys (<c>--standby</c>) now, and what became of those started so far.</summary>
/// <param name="Warming">Started and still warming up (not yet usable).</param>
/// <param name="Warm">Warm and waiting for a slot.</param>
/// <param name="Taken">Launches that started from a warm standby instead of cold.</param>
/// <param name="Discarded">Standbys killed unused because the app's files or a runtime variable changed since they started.</param>
/// <param name="Failed">Standbys that could not be started, or exited while they waited.</param>
internal readonly record struct StandbyCounts(int Warming, int Warm, long Taken, long Discarded, long Failed);
