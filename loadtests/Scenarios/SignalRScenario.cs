using System.Diagnostics;
using System.Globalization;
using ClusterHost.LoadTests.Cli;
using ClusterHost.LoadTests.Platform;
using ClusterHost.LoadTests.Reports;
using ClusterHost.Text;
using Microsoft.AspNetCore.SignalR.Client;

namespace ClusterHost.LoadTests.Scenarios;

/// <summary>
/// tests/Apps/ChatRoom with <c>--clients</c> .NET SignalR clients (WebSockets, SkipNegotiation,
/// automatic reconnect) over every worker, taking turns to broadcast at <c>--rate</c> per second
/// for <c>--phase-seconds</c>; then (<c>--kill yes</c>) the worker holding the most clients is
/// killed, its clients reconnect to the others, and a second phase broadcasts again. Reports the
/// clients connected (by worker) and how many clients each broadcast reached, per phase.
/// </summary>
internal sealed class SignalRScenario : IScenario
{
    /// <summary>How long the last broadcasts of a phase may take to arrive.</summary>
    private static readonly TimeSpan Straggle = TimeSpan.FromSeconds(3);

    /// <summary>How long a killed worker's clients may take to reconnect.</summary>
    private static readonly TimeSpan ReconnectTimeout = TimeSpan.FromSeconds(30);

    public async Task<ScenarioResult> RunAsync(ScenarioContext context, CancellationToken abort)
    {
        var options = context.Options;
        var clients = new List<ChatUser>();
        try
        {
            // Connected in batches: a thousand WebSocket handshakes at once would measure the backlog.
            for (var i = 0; i < options.Clients; i += 20)
            {
                clients.AddRange(await Task.WhenAll(Enumerable.Range(i, Math.Min(20, options.Clients - i))
                    .Select(n => ChatUser.ConnectAsync(context.Target.Url, n, abort))));
            }
            var phases = new List<SignalRPhase> { await RunPhaseAsync("before", clients, options, abort) };
            string? killed = null;
            if (options.Kill ?? context.Target.StartedByRunner)
            {
                var victim = clients.GroupBy(c => c.ServerPid).MaxBy(g => g.Count())!.Key;
                Signals.Send(victim, Signals.SIGKILL);
                killed = $"worker pid {victim} was killed (SIGKILL)";
                await WaitForReconnectsAsync(clients, victim, abort);
                phases.Add(await RunPhaseAsync("after kill", clients, options, abort));
            }
            return new ScenarioResult
            {
                Scenario = EnumNames<ScenarioKind>.ToName(ScenarioKind.SignalR),
                Target = context.Target,
                Connections = [],
                Requests = [],
                SignalR = new SignalRReport(context.Target.Mode, options.Clients, options.Broadcasts, phases, killed),
            };
        }
        finally
        {
            await Task.WhenAll(clients.Select(c => c.DisposeAsync().AsTask()));
        }
    }

    private static async Task WaitForReconnectsAsync(List<ChatUser> clients, int victim, CancellationToken abort)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(ReconnectTimeout.TotalSeconds * Stopwatch.Frequency);
        // First the victim's clients notice (their WebSocket closes), then they reconnect.
        while (clients.Any(c => c.ServerPid == victim && c.Connection.State == HubConnectionState.Connected && !c.Dropped)
            && Stopwatch.GetTimestamp() < deadline)
        {
            await Task.Delay(20, abort);
        }
        while (clients.Any(c => c.Connection.State != HubConnectionState.Connected) && Stopwatch.GetTimestamp() < deadline)
        {
            await Task.Delay(50, abort);
        }
        await Task.WhenAll(clients.Where(c => c.Connection.State == HubConnectionState.Connected).Select(c => c.IdentifyAsync(abort)));
    }

    private static async Task<SignalRPhase> RunPhaseAsync(string name, List<ChatUser> clients, RunnerOptions options, CancellationToken abort)
    {
        var connected = clients.Where(c => c.Connection.State == HubConnectionState.Connected).ToList();
        var byPid = connected.GroupBy(c => c.ServerPid).ToDictionary(g => g.Key, g => g.Count());
        foreach (var client in clients)
        {
            client.Reset(name);
        }

        var total = options.Broadcasts * options.PhaseSeconds;
        var interval = TimeSpan.FromSeconds(1.0 / options.Broadcasts);
        var started = Stopwatch.GetTimestamp();
        var sends = new List<Task>(total);
        for (var seq = 0; seq < total && connected.Count > 0; seq++)
        {
            // On schedule: a late tick sends at once rather than drifting.
            var due = started + (long)(seq * interval.TotalSeconds * Stopwatch.Frequency);
            var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, abort);
            }
            var text = string.Create(CultureInfo.InvariantCulture, $"{name}|{seq}|{Stopwatch.GetTimestamp()}");
            sends.Add(connected[seq % connected.Count].Connection.SendAsync("SendToAll", text, abort));
        }
        await Task.WhenAll(sends);

        var expected = (long)total * connected.Count;
        var deadline = Stopwatch.GetTimestamp() + (long)(Straggle.TotalSeconds * Stopwatch.Frequency);
        while (clients.Sum(c => (long)c.Count) < expected && Stopwatch.GetTimestamp() < deadline)
        {
            await Task.Delay(20, abort);
        }
        var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;

        var receivers = new int[total];
        var latencies = new List<double>();
        foreach (var client in clients)
        {
            foreach (var (seq, latencyMs) in client.Receipts)
            {
                receivers[seq]++;
                latencies.Add(latencyMs);
            }
        }
        return new SignalRPhase
        {
            Name = name,
            Connected = connected.Count,
            ClientsByPid = byPid,
            Sent = total,
            ReceiversPerMessage = [.. receivers.Order()],
            Deliveries = latencies.Count,
            DeliveredPerSecond = latencies.Count / elapsed,
            Latency = LatencyStats.Of(latencies),
        };
    }
}
