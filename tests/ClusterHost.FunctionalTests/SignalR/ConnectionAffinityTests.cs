using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.SignalR.Client;
using Xunit.Abstractions;

namespace ClusterHost.FunctionalTests.SignalR;

/// <summary>
/// Issue 19, connection-token affinity: an ordinary SignalR app (tests/Apps/ChatRoom) under 2
/// workers, 20 .NET clients per transport: every client connects and stays usable, whichever
/// worker each of its requests reaches. One cluster per mode, shared by the tests of a class.
/// </summary>
public abstract class ConnectionAffinityTests(ChatRoomCluster cluster, ITestOutputHelper output)
{
    private const int Clients = 20;

    /// <summary>Rounds of use each client must complete over <see cref="Usage"/>; one round is about 0.3 s.</summary>
    private const int MinRounds = 5;

    private static readonly TimeSpan Usage = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private static readonly ChatTransport[] Transports =
        [ChatTransport.Default, ChatTransport.LongPolling, ChatTransport.ServerSentEvents, ChatTransport.WebSocketsSkipNegotiation];

    protected ChatRoomCluster Cluster => cluster;

    protected ITestOutputHelper Output => output;

    [Fact]
    public async Task TwentyClientsPerTransport_AllConnect_AndStayUsableForTenSeconds()
    {
        var forwardedBefore = await cluster.ForwardedAsync();

        // The four transports at once: 80 clients, as a room of mixed browsers and apps would be.
        var results = await Task.WhenAll(Transports.Select(RunClientsAsync));

        foreach (var result in results)
        {
            output.WriteLine($"{cluster.Mode}, {result.Transport}: {result.Connected}/{Clients} connected, {result.Usable}/{Clients} usable for {Usage.TotalSeconds:0} s, " +
                $"{result.Rounds} rounds, median round {result.MedianRound.TotalMilliseconds:0.0} ms");
            foreach (var failure in result.Failures.Take(5))
            {
                output.WriteLine($"  {failure}");
            }
        }
        var forwarded = await cluster.ForwardedAsync() - forwardedBefore;
        output.WriteLine($"{cluster.Mode}: {forwarded} request(s) forwarded between workers (clusterhost_signalr_forwarded_total)");

        Assert.All(results, result =>
        {
            Assert.True(result.Connected == Clients, $"{result.Transport}: {result.Connected} of {Clients} connected: {string.Join("; ", result.Failures.Take(3))}");
            Assert.True(result.Usable == Clients, $"{result.Transport}: {result.Usable} of {Clients} stayed usable: {string.Join("; ", result.Failures.Take(3))}");
        });
        AssertForwarding(forwarded);
    }

    [Fact]
    public async Task TokenOfALaunchThatIsGone_IsAnswered404_AsSignalRAnswersAnUnknownToken()
    {
        using var client = new HttpClient { BaseAddress = cluster.Url, Timeout = Patience };
        // Generation 999999 of slot 0 never ran: whichever worker receives this, no socket answers.
        using var response = await client.PostAsync("/chat?id=ch0-999999.AAAAAAAAAAAAAAAAAAAAAA", new StringContent("{}"));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("No Connection with that ID", await response.Content.ReadAsStringAsync());
    }

    /// <summary>What this mode's forwarding between workers must look like after the 80 clients.</summary>
    protected abstract void AssertForwarding(double forwarded);

    private async Task<TransportResult> RunClientsAsync(ChatTransport transport)
    {
        var clients = Enumerable.Range(0, Clients).Select(_ => ChatClient.Create(cluster.Hub, transport)).ToList();
        var failures = new List<string>();
        try
        {
            using var connectTimeout = new CancellationTokenSource(Patience);
            var connects = await Task.WhenAll(clients.Select(async client =>
            {
                try
                {
                    await client.ConnectAsync(connectTimeout.Token);
                    // Negotiated: the hub's id of the connection is the one the client was given.
                    if (transport != ChatTransport.WebSocketsSkipNegotiation && client.Connection.ConnectionId != client.ServerConnectionId)
                    {
                        return $"connection id {client.Connection.ConnectionId}, but the hub sees {client.ServerConnectionId}";
                    }
                    return null;
                }
                catch (Exception e)
                {
                    return $"connect: {e.GetType().Name}: {e.Message}";
                }
            }));
            failures.AddRange(connects.OfType<string>());
            var connected = clients.Where((_, i) => connects[i] is null).ToList();

            var rounds = new List<TimeSpan>();
            var uses = await Task.WhenAll(connected.Select(client => UseAsync(client)));
            var usable = 0;
            foreach (var (roundTimes, failure) in uses)
            {
                rounds.AddRange(roundTimes);
                if (failure is null && roundTimes.Count >= MinRounds)
                {
                    usable++;
                }
                else
                {
                    failures.Add(failure ?? $"only {roundTimes.Count} rounds in {Usage}");
                }
            }
            rounds.Sort();
            return new TransportResult(transport, connected.Count, usable, rounds.Count, rounds.Count > 0 ? rounds[rounds.Count / 2] : TimeSpan.Zero, failures);
        }
        finally
        {
            await Task.WhenAll(clients.Select(c => c.DisposeAsync().AsTask()));
        }
    }

    /// <summary>Uses a connected client for <see cref="Usage"/>: WhoAmI, a group join and a message to itself per round.</summary>
    private static async Task<(List<TimeSpan> Rounds, string? Failure)> UseAsync(ChatClient client)
    {
        var rounds = new List<TimeSpan>();
        var stopwatch = Stopwatch.StartNew();
        try
        {
            while (stopwatch.Elapsed < Usage)
            {
                using var timeout = new CancellationTokenSource(Patience);
                var round = Stopwatch.StartNew();
                var me = await client.Connection.InvokeAsync<string>("WhoAmI", timeout.Token);
                if (me != client.ServerConnectionId)
                {
                    return (rounds, $"WhoAmI said {me}, was {client.ServerConnectionId}");
                }
                await client.Connection.InvokeAsync("JoinGroup", $"room {rounds.Count % 3}", timeout.Token);
                await client.PingAsync(timeout.Token);
                rounds.Add(round.Elapsed);
                if (client.Closed.IsCompleted)
                {
                    return (rounds, $"closed: {await client.Closed}");
                }
                await Task.Delay(250);
            }
            return (rounds, null);
        }
        catch (Exception e)
        {
            var closed = client.Closed.IsCompleted ? $" (closed: {await client.Closed})" : "";
            return (rounds, $"round {rounds.Count + 1}: {e.GetType().Name}: {e.Message}{closed}");
        }
    }

    private sealed record TransportResult(ChatTransport Transport, int Connected, int Usable, int Rounds, TimeSpan MedianRound, IReadOnlyList<string> Failures);
}
