namespace ClusterHost.LoadTests.Reports;

/// <summary>One worker's requests in the blocked-worker scenario.</summary>
/// <param name="Connections">Load connections it owns (answered their first request).</param>
/// <param name="Before">Requests that ended before the block began.</param>
/// <param name="During">Requests that overlapped the block, answered or not.</param>
/// <param name="AnsweredDuring">Requests answered while the block lasted.</param>
internal sealed record WorkerLatencyRow(int Worker, int Connections, LatencyStats Before, LatencyStats During, int AnsweredDuring, int Failed);
