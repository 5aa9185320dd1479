namespace ClusterHost.LoadTests.Load;

/// <summary>One TCP connection the runner opened.</summary>
/// <param name="Id">The runner's number for it, from 1.</param>
/// <param name="LocalPort">The client port (part of the 4-tuple the kernel hashes in reuseport mode).</param>
/// <param name="Purpose">What it was opened for, in a word ("load", "fresh", "block" ...).</param>
/// <param name="OpenedMs">When it was opened, in milliseconds since the scenario started.</param>
internal sealed record ConnectionRecord(int Id, int LocalPort, string Purpose, double OpenedMs);
