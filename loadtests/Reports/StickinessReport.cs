using System.Globalization;
using ClusterHost.LoadTests.Load;

namespace ClusterHost.LoadTests.Reports;

/// <summary>
/// Which workers each keep-alive connection saw, and how fresh connections spread. In a
/// connection-level mode (reuseport) every keep-alive connection sees exactly one worker; in a
/// request-level mode (proxy) it sees several.
/// </summary>
internal sealed record StickinessReport : IScenarioReport
{
    public string? Mode { get; init; }

    public int? Workers { get; init; }

    public required IReadOnlyList<KeepAliveConnectionRow> KeepAlive { get; init; }

    /// <summary>Fresh connections per worker that answered them.</summary>
    public required IReadOnlyList<WorkerCount> Fresh { get; init; }

    public required int FreshConnections { get; init; }

    public required int FreshFailed { get; init; }

    /// <summary>Every keep-alive connection that got answers got them from one worker.</summary>
    public required bool EveryConnectionSticky { get; init; }

    public required string Verdict { get; init; }

    /// <summary>Keep-alive requests are <see cref="RequestKind.Load"/>, fresh ones <see cref="RequestKind.Fresh"/>.</summary>
    public static StickinessReport Compute(IReadOnlyList<ConnectionRecord> connections, IReadOnlyList<RequestRecord> requests, int? workers, string? mode)
    {
        var ports = connections.ToDictionary(c => c.Id, c => c.LocalPort);
        var keepAlive = requests.Where(r => r.Kind == RequestKind.Load).GroupBy(r => r.Connection).OrderBy(g => g.Key)
            .Select(g => new KeepAliveConnectionRow(
                g.Key,
                ports.GetValueOrDefault(g.Key),
                g.Count(),
                g.Count(r => !r.Succeeded),
                [.. Tally(g)]))
            .ToList();
        var fresh = requests.Where(r => r.Kind == RequestKind.Fresh).ToList();
        var freshTally = Tally(fresh).OrderBy(w => w.Worker).ToList();
        var sticky = keepAlive.All(c => c.Workers.Count <= 1);
        var report = new StickinessReport
        {
            Mode = mode,
            Workers = workers,
            KeepAlive = keepAlive,
            Fresh = freshTally,
            FreshConnections = fresh.Count,
            FreshFailed = fresh.Count(r => !r.Succeeded),
            EveryConnectionSticky = sticky,
            Verdict = "",
        };
        return report with { Verdict = report.BuildVerdict() };
    }

    private static IEnumerable<WorkerCount> Tally(IEnumerable<RequestRecord> requests) =>
        requests.Where(r => r.Succeeded && r.Worker is not null)
            .GroupBy(r => r.Worker!.Value)
            .Select(g => new WorkerCount(g.Key, g.Count()))
            .OrderByDescending(w => w.Requests).ThenBy(w => w.Worker);

    private string BuildVerdict()
    {
        var ownersAcross = KeepAlive.SelectMany(c => c.Workers).Select(w => w.Worker).Distinct().ToList();
        var keepAlivePart = EveryConnectionSticky
            ? $"each of {KeepAlive.Count} keep-alive connections stayed on one worker ({(ownersAcross.Count == 0 ? "none answered" : Format.Workers(ownersAcross) + " across them")})"
            : $"{KeepAlive.Count(c => c.Workers.Count > 1)} of {KeepAlive.Count} keep-alive connections were served by several workers (up to {KeepAlive.Max(c => c.Workers.Count)} each): requests are balanced one by one";
        var of = Workers is { } n ? string.Create(CultureInfo.InvariantCulture, $" of {n}") : "";
        var spread = string.Join(", ", Fresh.Select(w => string.Create(CultureInfo.InvariantCulture, $"{w.Worker}: {w.Requests}")));
        var freshPart = $"{FreshConnections} fresh connections reached {Fresh.Count}{of} workers ({spread})";
        var failed = KeepAlive.Sum(c => c.Failed) + FreshFailed;
        return $"{keepAlivePart}; {freshPart}" + (failed > 0 ? $"; {failed} requests failed" : "");
    }

    public void WriteTo(TextWriter writer)
    {
        var requests = KeepAlive.Count == 0 ? 0 : KeepAlive.Max(c => c.Requests);
        writer.WriteLine($"stickiness (mode {Mode ?? "unknown"}, {Workers?.ToString(CultureInfo.InvariantCulture) ?? "unknown number of"} workers)");
        writer.WriteLine();
        writer.WriteLine($"{KeepAlive.Count} keep-alive connections x {requests} requests:");
        var table = new TextTable("connection", "local port", "requests", "failed", "workers seen");
        foreach (var row in KeepAlive)
        {
            table.Add(row.Connection, row.LocalPort, row.Requests, row.Failed,
                row.Workers.Count == 0 ? "-" : string.Join(", ", row.Workers.Select(w => $"worker {w.Worker} x{w.Requests}")));
        }
        table.WriteTo(writer);
        writer.WriteLine();
        writer.WriteLine($"{FreshConnections} fresh connections, one request each:");
        var spread = new TextTable("worker", "connections", "share");
        foreach (var worker in Fresh)
        {
            spread.Add(worker.Worker, worker.Requests, Format.Percent(worker.Requests, FreshConnections));
        }
        if (FreshFailed > 0)
        {
            spread.Add("failed", FreshFailed, Format.Percent(FreshFailed, FreshConnections));
        }
        spread.WriteTo(writer);
        writer.WriteLine();
        writer.WriteLine($"verdict: {Verdict}");
    }
}
