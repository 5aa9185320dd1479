using System.Globalization;
using ClusterHost.LoadTests.Cli;
using ClusterHost.LoadTests.Load;
using ClusterHost.LoadTests.Scenarios;

namespace ClusterHost.LoadTests.Reports;

/// <summary>
/// The chaos soak's verdict. A failed request is allowed only when it was in flight on (or sent
/// on a connection to) a worker the schedule SIGKILLed, and then only in reuseport mode (the
/// connection belongs to that worker) or for a non-idempotent request (a POST is never sent
/// again); in proxy mode a GET must never fail. Every other failure of the client load is a
/// defect. The requests that trigger faults (<c>/leak</c>, <c>/flood-stdout</c>) are counted,
/// not classified: they are the chaos, not the load.
/// </summary>
internal sealed record ChaosReport : IScenarioReport
{
    /// <summary>How close (ms) a kill must be to a request's flight to count as "in flight".</summary>
    public const double Slack = 100;

    public required string Mode { get; init; }

    public required int DurationSeconds { get; init; }

    public required int Seed { get; init; }

    public required IReadOnlyList<ChaosKindRow> Rows { get; init; }

    public required IReadOnlyList<ChaosEvent> Events { get; init; }

    public required IReadOnlyList<ChaosDefect> Defects { get; init; }

    public int DefectCount => Defects.Count;

    public string Verdict => Defects.Count == 0
        ? $"0 defects: {Rows.Sum(r => r.Requests)} requests, {Rows.Sum(r => r.KilledWorker)} failed in flight on a SIGKILLed worker (allowed), under {Events.Count} faults"
        : $"{Defects.Count} defects: failed requests that no SIGKILL explains (see above)";

    public static ChaosReport Compute(string mode, RunnerOptions options, IReadOnlyList<RequestRecord> requests, IReadOnlyList<ChaosEvent> events)
    {
        var kills = events.Where(e => e.Kind == "SIGKILL" && e.Pid is not null).ToList();
        // The worker each connection was on: the pid of its answers so far.
        var owners = new Dictionary<int, int>();
        var classified = new List<(RequestRecord Request, bool? Allowed, int? Owner, string Why)>();
        foreach (var request in requests.OrderBy(r => r.StartMs))
        {
            owners.TryGetValue(request.Connection, out var ownerPid);
            // Behind the proxy a connection belongs to no worker: each request may reach another. In the
            // connection-level modes (reuseport, shared, handoff) it belongs to one worker for its life.
            int? owner = ownerPid == 0 || mode == "proxy" ? null : ownerPid;
            if (request.Succeeded)
            {
                if (request.Pid is { } pid && request.Connection != 0)
                {
                    owners[request.Connection] = pid;
                }
                classified.Add((request, null, owner, ""));
                continue;
            }
            if (request.Kind == RequestKind.Fault)
            {
                // The fault's own request (/leak, /flood-stdout): the instrument, not client load; a
                // /leak may outlive the drain budget of the worker it makes too big.
                classified.Add((request, null, owner, "fault"));
                continue;
            }
            var killedUnder = kills.Any(k =>
                (owner is null || owner == k.Pid) && k.AtMs <= request.EndMs + Slack && (owner is not null || k.AtMs >= request.StartMs - Slack));
            var nonIdempotent = request.Kind is RequestKind.Upload or RequestKind.SlowUpload;
            var allowed = killedUnder && (mode != "proxy" || nonIdempotent);
            var why = allowed ? "" : killedUnder
                ? "an idempotent request lost to a killed worker behind the proxy (it should have gone to another worker)"
                : "no SIGKILL explains it";
            classified.Add((request, allowed, owner, why));
        }

        var rows = classified.GroupBy(c => Kind(c.Request))
            .Select(g => new ChaosKindRow(g.Key, g.Count(), g.Count(c => c.Allowed is null && c.Request.Succeeded), g.Count(c => c.Allowed == true), g.Count(c => c.Allowed == false)))
            .OrderBy(r => r.Kind, StringComparer.Ordinal)
            .ToList();
        return new ChaosReport
        {
            Mode = mode,
            DurationSeconds = options.DurationSeconds,
            Seed = options.Seed,
            Rows = rows,
            Events = events,
            Defects = [.. classified.Where(c => c.Allowed == false).Select(c => new ChaosDefect(c.Request, c.Owner, c.Why))],
        };
    }

    private static string Kind(RequestRecord request) => request.Kind switch
    {
        RequestKind.Load => "GET keep-alive",
        RequestKind.Fresh => "GET new connection",
        RequestKind.Upload => "POST keep-alive",
        RequestKind.SlowUpload => "POST slow upload",
        RequestKind.Fault => "fault trigger",
        var other => other.ToString(),
    };

    public void WriteTo(TextWriter writer)
    {
        writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Chaos soak: {Mode} mode, {DurationSeconds} s, seed {Seed}; clients never retry"));
        var table = new TextTable("requests", "count", "ok", "failed: on a killed worker (allowed)", "failed: defect");
        foreach (var row in Rows)
        {
            table.Add(row.Kind, row.Requests, row.Succeeded, row.KilledWorker, row.Defects);
        }
        table.Add("all", Rows.Sum(r => r.Requests), Rows.Sum(r => r.Succeeded), Rows.Sum(r => r.KilledWorker), Rows.Sum(r => r.Defects));
        table.WriteTo(writer);
        writer.WriteLine();
        var faults = new TextTable("fault", "fired");
        foreach (var group in Events.GroupBy(e => e.Kind).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            faults.Add(group.Key, group.Count());
        }
        faults.WriteTo(writer);
        if (Defects.Count > 0)
        {
            writer.WriteLine();
            var defects = new TextTable("at ms", "request", "outcome", "status", "connection on pid", "error", "why");
            foreach (var defect in Defects.Take(20))
            {
                var r = defect.Request;
                defects.Add(r.StartMs.ToString("F0", CultureInfo.InvariantCulture), $"{Kind(r)} {r.Path}", r.Outcome, r.Status?.ToString(CultureInfo.InvariantCulture) ?? "-",
                    defect.OwnerPid?.ToString(CultureInfo.InvariantCulture) ?? "?", (r.Error ?? "").Replace('\n', ' ')[..Math.Min(80, (r.Error ?? "").Length)], defect.Why);
            }
            defects.WriteTo(writer);
        }
        writer.WriteLine();
        writer.WriteLine($"verdict: {Verdict}");
    }
}
