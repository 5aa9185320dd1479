using ClusterHost.LoadTests.Load;

namespace ClusterHost.LoadTests.Tests.TestUtilities;

/// <summary>Builds request records for report tests.</summary>
internal static class Requests
{
    public static RequestRecord Answered(int connection, double startMs, double durationMs, int worker, int? pid = null, RequestKind kind = RequestKind.Load, string path = "/") => new()
    {
        Connection = connection, Kind = kind, Path = path, StartMs = startMs, DurationMs = durationMs,
        Outcome = RequestOutcome.Answered, Status = 200, Worker = worker, Pid = pid ?? 1000 + worker,
    };

    public static RequestRecord Lost(int connection, double startMs, double durationMs, RequestKind kind = RequestKind.Load, string path = "/") => new()
    {
        Connection = connection, Kind = kind, Path = path, StartMs = startMs, DurationMs = durationMs,
        Outcome = RequestOutcome.Lost, Error = "Connection reset by peer",
    };

    /// <summary>A load loop on one connection: a request every <paramref name="everyMs"/> from <paramref name="fromMs"/> to <paramref name="toMs"/>.</summary>
    public static IEnumerable<RequestRecord> Loop(int connection, int worker, double fromMs, double toMs, double everyMs, double durationMs)
    {
        for (var t = fromMs; t < toMs; t += everyMs)
        {
            yield return Answered(connection, t, durationMs, worker);
        }
    }
}
