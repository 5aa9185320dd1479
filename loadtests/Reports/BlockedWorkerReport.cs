using System.Globalization;
using ClusterHost.LoadTests.Load;

namespace ClusterHost.LoadTests.Reports;

/// <summary>
/// Latency per worker while one worker was blocked: its own requests wait for the block to
/// end; the other workers' requests should not notice.
/// </summary>
internal sealed record BlockedWorkerReport : IScenarioReport
{
    /// <summary>Other workers count as unaffected while their p99 during the block stays under this (the issue's bound).</summary>
    public const double UnaffectedP99Ms = 250;

    public string? Mode { get; init; }

    public int? Workers { get; init; }

    public required int BlockedWorker { get; init; }

    public required int BlockedPid { get; init; }

    public required double RequestedBlockMs { get; init; }

    /// <summary>When the runner sent <c>/block</c>.</summary>
    public required double BlockStartMs { get; init; }

    /// <summary>When the answer to <c>/block</c> arrived.</summary>
    public required double BlockEndMs { get; init; }

    public required int ThinkMs { get; init; }

    /// <summary>Every load connection was answered by one worker only (a connection-level mode).</summary>
    public required bool Sticky { get; init; }

    public required IReadOnlyList<WorkerLatencyRow> Rows { get; init; }

    /// <summary>The longest request of the blocked worker that overlapped the block.</summary>
    public required double StallMs { get; init; }

    /// <summary>The other workers' requests that overlapped the block.</summary>
    public required LatencyStats Others { get; init; }

    /// <summary>Load connections owned by the blocked worker, with their longest request during the block.</summary>
    public required IReadOnlyList<ConnectionStall> BlockedConnections { get; init; }

    public required string Verdict { get; init; }

    public double BlockMs => BlockEndMs - BlockStartMs;

    /// <param name="block">The answered <c>/block</c> request: its answer names the worker that was blocked.</param>
    public static BlockedWorkerReport Compute(IReadOnlyList<RequestRecord> requests, RequestRecord block, double requestedBlockMs, int thinkMs, int? workers, string? mode)
    {
        if (block.Worker is not { } victim || block.Pid is not { } victimPid)
        {
            throw new ArgumentException("the /block request has no answer", nameof(block));
        }
        var load = requests.Where(r => r.Kind is RequestKind.Load or RequestKind.Probe).ToList();
        var seen = ConnectionOwners.WorkersSeen(load);
        var owners = ConnectionOwners.FirstAnswer(load);
        var loadConnections = load.Where(r => r.Kind == RequestKind.Load).Select(r => r.Connection).Distinct().ToList();
        var sticky = loadConnections.All(c => !seen.TryGetValue(c, out var w) || w.Count == 1);

        bool During(RequestRecord r) => r.StartMs < block.EndMs && r.EndMs > block.StartMs;
        var loadOnly = load.Where(r => r.Kind == RequestKind.Load).ToList();
        var allWorkers = loadOnly.Select(r => ConnectionOwners.Of(r, owners)).OfType<int>()
            .Concat(workers is { } n ? Enumerable.Range(0, n) : [])
            .Append(victim).Distinct().Order().ToList();

        var rows = allWorkers.Select(worker =>
        {
            var mine = loadOnly.Where(r => ConnectionOwners.Of(r, owners) == worker).ToList();
            var during = mine.Where(During).ToList();
            return new WorkerLatencyRow(
                worker,
                loadConnections.Count(c => owners.TryGetValue(c, out var o) && o == worker),
                LatencyStats.Of(mine.Where(r => r.Succeeded && r.EndMs <= block.StartMs).Select(r => r.DurationMs)),
                LatencyStats.Of(during.Select(r => r.DurationMs)),
                during.Count(r => r.Succeeded && r.EndMs <= block.EndMs),
                during.Count(r => !r.Succeeded));
        }).ToList();

        var victimDuring = loadOnly.Where(r => During(r) && ConnectionOwners.Of(r, owners) == victim).ToList();
        var others = LatencyStats.Of(loadOnly.Where(r => During(r) && ConnectionOwners.Of(r, owners) is { } w && w != victim).Select(r => r.DurationMs));
        var stalls = loadConnections.Where(c => owners.TryGetValue(c, out var o) && o == victim).Order()
            .Select(c => new ConnectionStall(c, victim, victimDuring.Where(r => r.Connection == c).Select(r => r.DurationMs).DefaultIfEmpty(0).Max()))
            .ToList();

        var report = new BlockedWorkerReport
        {
            Mode = mode,
            Workers = workers,
            BlockedWorker = victim,
            BlockedPid = victimPid,
            RequestedBlockMs = requestedBlockMs,
            BlockStartMs = block.StartMs,
            BlockEndMs = block.EndMs,
            ThinkMs = thinkMs,
            Sticky = sticky,
            Rows = rows,
            StallMs = victimDuring.Select(r => r.DurationMs).DefaultIfEmpty(0).Max(),
            Others = others,
            BlockedConnections = stalls,
            Verdict = "",
        };
        return report with { Verdict = report.BuildVerdict() };
    }

    private string BuildVerdict()
    {
        var victimRequests = Rows.Single(r => r.Worker == BlockedWorker).During.Count;
        var stall = victimRequests == 0
            ? $"no request reached worker {BlockedWorker} during its block"
            : Sticky
                ? $"connections owned by worker {BlockedWorker} stalled {Format.Duration(StallMs)}"
                : $"requests sent to worker {BlockedWorker} stalled up to {Format.Duration(StallMs)}";
        var otherWorkers = Rows.Where(r => r.Worker != BlockedWorker && r.During.Count > 0).Select(r => r.Worker).ToList();
        if (otherWorkers.Count == 0)
        {
            return $"{stall}; no other worker had requests during the block";
        }
        var others = $"{Format.Workers(otherWorkers)} p99 {Format.Duration(Others.P99Ms)}";
        var context = string.Create(CultureInfo.InvariantCulture, $"{Others.Count} requests during the {Format.Duration(BlockMs)} block");
        var affected = Others.P99Ms < UnaffectedP99Ms ? "" : ": the other workers slowed too";
        return $"{stall}; {others} ({context}){affected}";
    }

    public void WriteTo(TextWriter writer)
    {
        writer.WriteLine($"blocked-worker (mode {Mode ?? "unknown"}, {Workers?.ToString(CultureInfo.InvariantCulture) ?? "unknown number of"} workers)");
        writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"worker {BlockedWorker} (pid {BlockedPid}) blocked from {BlockStartMs / 1000:0.00} s to {BlockEndMs / 1000:0.00} s ({Format.Duration(BlockMs)}; requested {Format.Duration(RequestedBlockMs)}); load: GET / in a loop on {Rows.Sum(r => r.Connections)} keep-alive connections, {ThinkMs} ms apart"));
        writer.WriteLine();
        writer.WriteLine("latency per worker, of the requests that overlapped the block (before: those that ended before it):");
        var table = new TextTable("worker", "connections", "requests", "answered", "p50", "p99", "max", "failed", "before: p99");
        foreach (var row in Rows)
        {
            table.Add(
                row.Worker == BlockedWorker ? $"{row.Worker} (blocked)" : row.Worker.ToString(CultureInfo.InvariantCulture),
                row.Connections, row.During.Count, row.AnsweredDuring,
                Cell(row.During, s => s.P50Ms), Cell(row.During, s => s.P99Ms), Cell(row.During, s => s.MaxMs),
                row.Failed, Cell(row.Before, s => s.P99Ms));
        }
        table.WriteTo(writer);
        if (BlockedConnections.Count > 0)
        {
            writer.WriteLine();
            writer.WriteLine($"longest request on each connection of worker {BlockedWorker}: "
                + string.Join(", ", BlockedConnections.Select(c => $"#{c.Connection} {Format.Duration(c.LongestMs)}")));
        }
        writer.WriteLine();
        writer.WriteLine($"verdict: {Verdict}");
    }

    private static string Cell(LatencyStats stats, Func<LatencyStats, double> pick) => stats.Count == 0 ? "-" : Format.Duration(pick(stats));
}
