using System.Globalization;

namespace ClusterHost.LoadTests.Reports;

/// <summary>
/// The signalr scenario's report: per phase, clients connected (by worker), broadcasts sent, how
/// many clients each reached, deliveries per second and delivery latency.
/// </summary>
internal sealed record SignalRReport(string? Mode, int Clients, int Rate, IReadOnlyList<SignalRPhase> Phases, string? Killed) : IScenarioReport
{
    public string Verdict
    {
        get
        {
            var short_ = Phases.Where(p => p.ReachedAll < p.Sent).ToList();
            var connected = Phases.All(p => p.Connected == Clients);
            return short_.Count == 0 && connected
                ? $"PASS: {Clients} of {Clients} clients connected in every phase, and every broadcast reached all of them"
                : $"FAIL: {string.Join("; ", Phases.Select(p => $"{p.Name}: {p.Connected} of {Clients} connected, {p.ReachedAll} of {p.Sent} broadcasts reached all"))}";
        }
    }

    public void WriteTo(TextWriter writer)
    {
        writer.WriteLine($"SignalR across the workers (mode {Mode ?? "unknown"}): {Clients} chat clients over WebSockets, {Rate} broadcasts/s in all"
            + (Killed is null ? "" : $"; between the phases {Killed}"));
        var table = new TextTable("phase", "connected", "clients by worker pid", "sent", "receivers/message (min/median/max)", "reached all", "delivered/s", "p50 ms", "p99 ms");
        foreach (var phase in Phases)
        {
            var receivers = phase.ReceiversPerMessage;
            table.Add(
                phase.Name,
                phase.Connected,
                string.Join(" ", phase.ClientsByPid.OrderBy(p => p.Key).Select(p => $"{p.Key}:{p.Value}")),
                phase.Sent,
                receivers.Count == 0 ? "-" : $"{receivers[0]}/{receivers[receivers.Count / 2]}/{receivers[^1]} of {phase.Connected}",
                phase.ReachedAll,
                phase.DeliveredPerSecond.ToString("0", CultureInfo.InvariantCulture),
                phase.Latency.P50Ms.ToString("0.0", CultureInfo.InvariantCulture),
                phase.Latency.P99Ms.ToString("0.0", CultureInfo.InvariantCulture));
        }
        table.WriteTo(writer);
        writer.WriteLine(Verdict);
    }
}
