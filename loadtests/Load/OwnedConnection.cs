using ClusterHost.LoadTests.Http;

namespace ClusterHost.LoadTests.Load;

/// <summary>A keep-alive connection and the worker that answered its first request.</summary>
internal sealed record OwnedConnection(RawHttpConnection Connection, int Worker, int Pid);
