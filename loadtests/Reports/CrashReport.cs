using System.Globalization;
using System.Text.RegularExpressions;
using ClusterHost.LoadTests.Load;

namespace ClusterHost.LoadTests.Reports;

/// <summary>
/// What a worker crash cost: which requests failed (only those in flight on the crashed worker's
/// connections, if the cluster isolates failures), and how soon the slot served again.
/// </summary>
internal sealed partial record CrashReport : IScenarioReport
{
    public string? Mode { get; init; }

    public int? Workers { get; init; }

    public required int CrashedWorker { get; init; }

    public required int CrashedPid { get; init; }

    /// <summary>When the runner sent <c>/crash</c>.</summary>
    public required double CrashSentMs { get; init; }

    /// <summary>When <c>/crash</c> failed: the worker was gone.</summary>
    public required double CrashSeenMs { get; init; }

    /// <summary>The process that serves the slot afterwards; null if none answered in time.</summary>
    public int? NewPid { get; init; }

    /// <summary>From the crash seen to the first answer of the slot's new process.</summary>
    public double? ServedAgainAfterMs { get; init; }

    public required IReadOnlyList<WorkerProcessRow> Rows { get; init; }

    /// <summary>Every request that failed (not answered with 2xx), <c>/crash</c> itself included.</summary>
    public required IReadOnlyList<FailedRequestRow> Failed { get; init; }

    /// <summary>The slow requests kept in flight on every worker when the crash came.</summary>
    public required IReadOnlyList<RequestRecord> Slow { get; init; }

    /// <summary>Every failed request was in flight on a connection of the crashed process.</summary>
    public required bool OnlyInFlightOnCrashedWorker { get; init; }

    /// <summary>Load connections opened again after theirs was lost.</summary>
    public required int Reconnected { get; init; }

    /// <summary>The primary's lines about the slot after the crash (empty when the runner did not start the cluster).</summary>
    public required IReadOnlyList<string> PrimaryLog { get; init; }

    public required string Verdict { get; init; }

    /// <param name="crash">The <c>/crash</c> request, which failed when the worker died.</param>
    /// <param name="servedAgain">The first request the slot's new process answered, if any.</param>
    public static CrashReport Compute(
        IReadOnlyList<ConnectionRecord> connections, IReadOnlyList<RequestRecord> requests, RequestRecord crash, int crashedWorker, int crashedPid,
        RequestRecord? servedAgain, int? workers, string? mode, IReadOnlyList<string> primaryOutput)
    {
        // The owner of a connection is the process that answered on it first.
        var owners = requests.Where(r => r.Worker is not null && r.Pid is not null).OrderBy(r => r.StartMs).GroupBy(r => r.Connection)
            .ToDictionary(g => g.Key, g => (Worker: g.First().Worker!.Value, Pid: g.First().Pid!.Value));
        (int Worker, int Pid)? Owner(RequestRecord r) =>
            r.Worker is { } w && r.Pid is { } p ? (w, p) : owners.TryGetValue(r.Connection, out var o) ? o : null;

        var failed = requests.Where(r => !r.Succeeded).Select(r =>
        {
            var owner = Owner(r);
            // In flight: sent, and its connection died before the answer came (or, behind a proxy,
            // a gateway error answered it), which was still awaited when /crash was sent. Not "sent before /crash failed": a dying process closes
            // its sockets one by one (the kernel may pause between them on a busy machine), so a
            // request can reach a connection of the dying worker after /crash's own has closed.
            return new FailedRequestRow(r.Connection, owner?.Worker, owner?.Pid, r.Kind, r.Path, r.StartMs, r.DurationMs, r.Outcome,
                (r.Outcome == RequestOutcome.Lost || r.Status is 502 or 503 or 504) && r.EndMs >= crash.StartMs, r.Error ?? $"HTTP {r.Status}");
        }).ToList();
        var rows = requests.Select(r => (Request: r, Owner: Owner(r))).Where(x => x.Owner is not null)
            .GroupBy(x => x.Owner!.Value).OrderBy(g => g.Key.Worker).ThenBy(g => g.Key.Pid == crashedPid ? 0 : 1)
            .Select(g => new WorkerProcessRow(g.Key.Worker, g.Key.Pid, g.Count(x => x.Request.Succeeded), g.Count(x => !x.Request.Succeeded)))
            .ToList();
        var reconnected = connections.Count(c => c.Purpose == "load" && c.OpenedMs > crash.StartMs);

        var report = new CrashReport
        {
            Mode = mode,
            Workers = workers,
            CrashedWorker = crashedWorker,
            CrashedPid = crashedPid,
            CrashSentMs = crash.StartMs,
            CrashSeenMs = crash.EndMs,
            NewPid = servedAgain?.Pid,
            ServedAgainAfterMs = servedAgain is null ? null : servedAgain.EndMs - crash.EndMs,
            Rows = rows,
            Failed = failed,
            Slow = [.. requests.Where(r => r.Kind == RequestKind.Slow).OrderBy(r => Owner(r)?.Worker)],
            OnlyInFlightOnCrashedWorker = failed.All(f => f.InFlight && f.OwnerPid == crashedPid),
            Reconnected = reconnected,
            PrimaryLog = SlotLines(primaryOutput, crashedWorker, crashedPid),
            Verdict = "",
        };
        return report with { Verdict = report.BuildVerdict() };
    }

    /// <summary>The primary's lines from the crashed process's exit on, about that slot, logger category dropped.</summary>
    private static IReadOnlyList<string> SlotLines(IReadOnlyList<string> lines, int worker, int pid)
    {
        var from = lines.ToList().FindIndex(l => l.Contains($"(pid {pid}) exited", StringComparison.Ordinal));
        if (from < 0)
        {
            return [];
        }
        var slot = new Regex($@"\b[Ww]orker {worker}\b");
        return [.. lines.Skip(from)
            .Where(l => !l.StartsWith('[') && slot.IsMatch(l))
            .Select(l => CategoryPattern().Replace(l, ""))
            .Take(6)];
    }

    private string BuildVerdict()
    {
        var crashed = $"worker {CrashedWorker} (pid {CrashedPid}) crashed";
        var onCrashed = Failed.Count(f => f.OwnerPid == CrashedPid);
        var lost = OnlyInFlightOnCrashedWorker
            ? $"the {Failed.Count} requests lost were all in flight on its connections (/crash itself included)"
            : $"{Failed.Count} requests failed: {onCrashed} on its connections ({Failed.Count(f => f.OwnerPid == CrashedPid && f.InFlight)} in flight), "
              + $"{Failed.Count - onCrashed} elsewhere or after the crash";
        var otherRows = Rows.Where(r => r.Worker != CrashedWorker).ToList();
        var others = otherRows.Count == 0
            ? "no other worker answered"
            : $"{Format.Workers(otherRows.Select(r => r.Worker).Distinct())} lost {(otherRows.Sum(r => r.Failed) is var n and > 0 ? n.ToString(CultureInfo.InvariantCulture) : "none")} ({otherRows.Sum(r => r.Answered)} answered)";
        var again = ServedAgainAfterMs is { } after
            ? $"slot {CrashedWorker} served again {Format.Duration(after)} later (pid {NewPid})"
            : $"slot {CrashedWorker} did not serve again in time";
        return $"{crashed}: {lost}; {others}; {again}";
    }

    public void WriteTo(TextWriter writer)
    {
        writer.WriteLine($"crash (mode {Mode ?? "unknown"}, {Workers?.ToString(CultureInfo.InvariantCulture) ?? "unknown number of"} workers)");
        writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"/crash sent to worker {CrashedWorker} (pid {CrashedPid}) at {CrashSentMs / 1000:0.00} s; it failed at {CrashSeenMs / 1000:0.00} s"));
        writer.WriteLine();
        writer.WriteLine("requests per worker process (failed ones counted for the process that owned their connection):");
        var table = new TextTable("worker", "pid", "answered", "failed");
        foreach (var row in Rows)
        {
            var label = row.Pid == CrashedPid ? $"{row.Worker} (crashed)" : row.Worker == CrashedWorker ? $"{row.Worker} (replacement)" : row.Worker.ToString(CultureInfo.InvariantCulture);
            table.Add(label, row.Pid, row.Answered, row.Failed);
        }
        table.WriteTo(writer);
        writer.WriteLine();
        writer.WriteLine("slow requests in flight when the crash came:");
        var slow = new TextTable("connection", "path", "outcome", "after");
        foreach (var request in Slow)
        {
            slow.Add($"#{request.Connection}", request.Path,
                request.Succeeded ? $"answered by worker {request.Worker}" : $"{request.Outcome.ToString().ToLowerInvariant()}: {request.Error}",
                Format.Duration(request.DurationMs));
        }
        slow.WriteTo(writer);
        writer.WriteLine();
        writer.WriteLine($"failed requests ({Failed.Count}; in flight: sent, then its connection died before the answer):");
        var failed = new TextTable("connection", "owner", "kind", "path", "sent (vs /crash)", "in flight", "error");
        foreach (var f in Failed)
        {
            failed.Add($"#{f.Connection}", f.Owner is { } o ? $"worker {o} (pid {f.OwnerPid})" : "-", f.Kind.ToString().ToLowerInvariant(), f.Path,
                string.Create(CultureInfo.InvariantCulture, $"{f.StartMs - CrashSentMs:+0;-0} ms"), f.InFlight ? "yes" : "no", f.Error ?? "");
        }
        failed.WriteTo(writer);
        writer.WriteLine();
        writer.WriteLine($"load connections opened again after losing theirs: {Reconnected}");
        if (PrimaryLog.Count > 0)
        {
            writer.WriteLine("the primary:");
            foreach (var line in PrimaryLog)
            {
                writer.WriteLine($"  {line}");
            }
        }
        writer.WriteLine();
        writer.WriteLine($"verdict: {Verdict}");
    }

    [GeneratedRegex(@"\S+\[\d+\] ")]
    private static partial Regex CategoryPattern();
}
