using System.Globalization;
using ClusterHost.LoadTests.Load;

namespace ClusterHost.LoadTests.Reports;

/// <summary>
/// What a mixed-cost run measured, over the requests due in the measured window (after the
/// warm-up): latency from the time each request was due (open loop) or sent (closed loop) to its
/// answer, for all, light and heavy requests; the achieved rate (answers that arrived in the
/// window, per second); the service time from the actual send; the generator's own lateness; and
/// each worker's share. A failed request (lost, timed out, not 2xx) counts as failed and is left
/// out of the percentiles.
/// </summary>
internal sealed record MixedCostReport : IScenarioReport
{
    public required string Url { get; init; }

    /// <summary>The cluster's mode when the runner started it; null for <c>--url</c>.</summary>
    public string? Mode { get; init; }

    public required int Connections { get; init; }

    /// <summary>The offered rate (requests per second); null for a closed loop.</summary>
    public double? OfferedRate { get; init; }

    public required CostMix Mix { get; init; }

    public required double WarmupSeconds { get; init; }

    public required int DurationSeconds { get; init; }

    /// <summary>Requests due in the measured window (open loop) or sent in it (closed loop).</summary>
    public required int Measured { get; init; }

    /// <summary>Of <see cref="Measured"/>, answered with a 2xx.</summary>
    public required int Succeeded { get; init; }

    /// <summary>Of <see cref="Measured"/>, lost, timed out, not opened or answered with a non-2xx.</summary>
    public required int Failed { get; init; }

    /// <summary>Requests due that were never sent: the drain after the window ran out of time.</summary>
    public required int Unsent { get; init; }

    /// <summary>Successful answers that arrived within the window, per second of it.</summary>
    public required double AchievedRate { get; init; }

    /// <summary>From the time due (open loop) or sent (closed loop) to the answer.</summary>
    public required LatencyPercentiles All { get; init; }

    public required LatencyPercentiles Light { get; init; }

    public required LatencyPercentiles Heavy { get; init; }

    /// <summary>From the actual send to the answer: what a closed-loop tool would report.</summary>
    public required LatencyPercentiles Service { get; init; }

    /// <summary>How late the generator handed requests to their connections; null for a closed loop.</summary>
    public LatencyPercentiles? GeneratorLag { get; init; }

    public required IReadOnlyList<MixedCostWorkerRow> Workers { get; init; }

    public string Verdict => OfferedRate is { } rate
        ? string.Create(CultureInfo.InvariantCulture,
            $"offered {rate:0} rps, achieved {AchievedRate:0} rps; from the time due: {All}; {Failed} failed")
        : string.Create(CultureInfo.InvariantCulture,
            $"closed loop over {Connections} connections: capacity {AchievedRate:0} rps; {All}; {Failed} failed");

    public static MixedCostReport Compute(string url, string? mode, int connections, double? offeredRate, CostMix mix,
        double warmupSeconds, int durationSeconds, double windowStartMs, IReadOnlyList<RequestRecord> requests, int unsent,
        IReadOnlyList<double>? generatorLagsMs)
    {
        var windowEndMs = windowStartMs + durationSeconds * 1000.0;
        var measured = requests
            .Where(r => r.Kind is RequestKind.Light or RequestKind.Heavy)
            .Where(r => (r.IntendedMs ?? r.StartMs) >= windowStartMs && (r.IntendedMs ?? r.StartMs) < windowEndMs)
            .ToList();
        var ok = measured.Where(r => r.Succeeded).ToList();
        var answeredInWindow = requests.Count(r => r.Kind is RequestKind.Light or RequestKind.Heavy && r.Succeeded
            && r.EndMs >= windowStartMs && r.EndMs < windowEndMs);
        return new MixedCostReport
        {
            Url = url,
            Mode = mode,
            Connections = connections,
            OfferedRate = offeredRate,
            Mix = mix,
            WarmupSeconds = warmupSeconds,
            DurationSeconds = durationSeconds,
            Measured = measured.Count,
            Succeeded = ok.Count,
            Failed = measured.Count - ok.Count,
            Unsent = unsent,
            AchievedRate = answeredInWindow / (double)durationSeconds,
            All = LatencyPercentiles.Of(ok.Select(r => r.LatencyMs)),
            Light = LatencyPercentiles.Of(ok.Where(r => r.Kind == RequestKind.Light).Select(r => r.LatencyMs)),
            Heavy = LatencyPercentiles.Of(ok.Where(r => r.Kind == RequestKind.Heavy).Select(r => r.LatencyMs)),
            Service = LatencyPercentiles.Of(ok.Select(r => r.DurationMs)),
            GeneratorLag = generatorLagsMs is null ? null : LatencyPercentiles.Of(generatorLagsMs),
            Workers = [.. ok.Where(r => r.Worker is not null).GroupBy(r => r.Worker!.Value).OrderBy(g => g.Key).Select(g =>
            {
                var latency = LatencyPercentiles.Of(g.Select(r => r.LatencyMs));
                return new MixedCostWorkerRow(g.Key, g.Count(), g.Count(r => r.Kind == RequestKind.Heavy), latency.P50Ms, latency.P99Ms);
            })],
        };
    }

    public void WriteTo(TextWriter writer)
    {
        var loop = OfferedRate is { } rate
            ? string.Create(CultureInfo.InvariantCulture, $"open loop at {rate:0.#} requests/s (each connection due every {Connections * 1000 / rate:0.#} ms)")
            : "closed loop (each connection sends when its last answer arrives)";
        writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Mixed cost: {Url}{(Mode is null ? "" : $" ({Mode} mode)")}, {Connections} keep-alive connections, {loop}"));
        writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {Mix}, seed {Mix.Seed}; {WarmupSeconds:0.#} s warm-up, then {DurationSeconds} s measured"));
        writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {Measured} requests {(OfferedRate is null ? "sent" : "due")} in the measured window: {Succeeded} ok, {Failed} failed, {Unsent} never sent; achieved {AchievedRate:0.#} requests/s"));
        writer.WriteLine();
        var from = OfferedRate is null ? "from the send" : "from the time due";
        var table = new TextTable("latency", "count", "p50", "p90", "p99", "p99.9", "max");
        void Row(string name, LatencyPercentiles p) => table.Add(name, p.Count, Format.Duration(p.P50Ms), Format.Duration(p.P90Ms),
            Format.Duration(p.P99Ms), Format.Duration(p.P999Ms), Format.Duration(p.MaxMs));
        Row($"all, {from}", All);
        Row($"light, {from}", Light);
        Row($"heavy, {from}", Heavy);
        Row("all, from the actual send", Service);
        if (GeneratorLag is { } lag)
        {
            Row("generator lateness", lag);
        }
        table.WriteTo(writer);
        writer.WriteLine();
        var workers = new TextTable("worker", "requests", "heavy", "p50", "p99");
        foreach (var row in Workers)
        {
            workers.Add(row.Worker, row.Requests, row.Heavy, Format.Duration(row.P50Ms), Format.Duration(row.P99Ms));
        }
        workers.WriteTo(writer);
        writer.WriteLine();
        writer.WriteLine($"verdict: {Verdict}");
    }
}
