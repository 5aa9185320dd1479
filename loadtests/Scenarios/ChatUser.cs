using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace ClusterHost.LoadTests.Scenarios;

/// <summary>One chat user: its connection and the broadcasts of the current phase it received.</summary>
internal sealed class ChatUser : IAsyncDisposable
{
    private ConcurrentQueue<(int Seq, double LatencyMs)> _receipts = new();
    private string _phase = "";
    private int _count;

    private ChatUser(HubConnection connection)
    {
        Connection = connection;
        connection.On<string, string>("Message", (_, text) => OnMessage(text));
        connection.Closed += _ =>
        {
            Dropped = true;
            return Task.CompletedTask;
        };
        connection.Reconnecting += _ =>
        {
            Dropped = true;
            return Task.CompletedTask;
        };
    }

    public HubConnection Connection { get; }

    public int ServerPid { get; private set; }

    /// <summary>True once the connection was lost (it may have reconnected since).</summary>
    public bool Dropped { get; private set; }

    public int Count => Volatile.Read(ref _count);

    public IReadOnlyCollection<(int Seq, double LatencyMs)> Receipts => _receipts;

    public static async Task<ChatUser> ConnectAsync(Uri url, int number, CancellationToken abort)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(url, "/chat?user=user" + number.ToString(CultureInfo.InvariantCulture)), options =>
            {
                options.Transports = HttpTransportType.WebSockets;
                options.SkipNegotiation = true;
            })
            .WithAutomaticReconnect([TimeSpan.Zero, TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(500),
                TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5)])
            .Build();
        var client = new ChatUser(connection);
        await connection.StartAsync(abort);
        await client.IdentifyAsync(abort);
        return client;
    }

    public async Task IdentifyAsync(CancellationToken abort) =>
        ServerPid = await Connection.InvokeAsync<int>("ServerProcessId", abort);

    public void Reset(string phase)
    {
        _receipts = new ConcurrentQueue<(int, double)>();
        Volatile.Write(ref _count, 0);
        Volatile.Write(ref _phase, phase);
    }

    private void OnMessage(string text)
    {
        var now = Stopwatch.GetTimestamp();
        var parts = text.Split('|');
        if (parts.Length == 3 && parts[0] == Volatile.Read(ref _phase)
            && int.TryParse(parts[1], CultureInfo.InvariantCulture, out var seq)
            && long.TryParse(parts[2], CultureInfo.InvariantCulture, out var sent))
        {
            _receipts.Enqueue((seq, Stopwatch.GetElapsedTime(sent, now).TotalMilliseconds));
            Interlocked.Increment(ref _count);
        }
    }

    public ValueTask DisposeAsync() => Connection.DisposeAsync();
}
