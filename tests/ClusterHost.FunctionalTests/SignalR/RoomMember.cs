using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace ClusterHost.FunctionalTests.SignalR;

/// <summary>
/// One user of tests/Apps/ChatRoom: a .NET SignalR client over WebSockets with SkipNegotiation
/// (so that every request of the connection is its one WebSocket), recording each message it
/// receives with the time it arrived, and answering the hub's "Answer" client-result calls.
/// </summary>
internal sealed class RoomMember : IAsyncDisposable
{
    private readonly ConcurrentQueue<(string From, string Text, long ReceivedAt)> _received = new();

    private RoomMember(string user, HubConnection connection)
    {
        User = user;
        Connection = connection;
        connection.On<string, string>("Message", (from, text) => _received.Enqueue((from, text, Stopwatch.GetTimestamp())));
        connection.On<string, string>("Answer", question => $"{user} answers {question}");
    }

    public string User { get; }

    public HubConnection Connection { get; }

    /// <summary>The connection's id, as the hub knows it (changes when it reconnects).</summary>
    public string ConnectionId { get; private set; } = "";

    /// <summary>The worker process holding the connection (changes when it reconnects).</summary>
    public int ServerPid { get; private set; }

    public static async Task<RoomMember> ConnectAsync(Uri cluster, string user, bool reconnect = false)
    {
        var builder = new HubConnectionBuilder().WithUrl(new Uri(cluster, "/chat?user=" + Uri.EscapeDataString(user)), options =>
        {
            options.Transports = HttpTransportType.WebSockets;
            options.SkipNegotiation = true;
        });
        if (reconnect)
        {
            builder.WithAutomaticReconnect([TimeSpan.Zero, TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(250),
                TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2)]);
        }
        var client = new RoomMember(user, builder.Build());
        await client.Connection.StartAsync();
        await client.IdentifyAsync();
        return client;
    }

    /// <summary>Asks the hub which connection and which process this is.</summary>
    public async Task IdentifyAsync()
    {
        ConnectionId = await Connection.InvokeAsync<string>("WhoAmI");
        ServerPid = await Connection.InvokeAsync<int>("ServerProcessId");
    }

    /// <summary>The messages received so far.</summary>
    public IReadOnlyList<(string From, string Text, long ReceivedAt)> Received => [.. _received];

    public bool HasReceived(string text) => _received.Any(m => m.Text == text);

    /// <summary>Waits (bounded) until a message with <paramref name="text"/> arrived; false if none did.</summary>
    public async Task<bool> WaitForAsync(string text, TimeSpan timeout)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (!HasReceived(text))
        {
            if (Stopwatch.GetTimestamp() > deadline)
            {
                return false;
            }
            await Task.Delay(20);
        }
        return true;
    }

    public ValueTask DisposeAsync() => Connection.DisposeAsync();
}
