using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Http.Connections.Client;
using Microsoft.AspNetCore.SignalR.Client;

namespace ClusterHost.FunctionalTests.SignalR;

/// <summary>
/// One .NET SignalR client of the ChatRoom hub, with the client's default settings but the
/// transport under test, and no automatic reconnect: a connection that breaks stays broken, so a
/// test sees it. Messages to this client are queued for <see cref="PingAsync"/>.
/// </summary>
internal sealed class ChatClient : IAsyncDisposable
{
    private readonly Channel<string> _messages = Channel.CreateUnbounded<string>();
    private readonly TaskCompletionSource<Exception?> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _pings;

    private ChatClient(HubConnection connection, ChatTransport transport)
    {
        Connection = connection;
        Transport = transport;
        connection.On<string, string>("Message", (_, text) => _messages.Writer.TryWrite(text));
        connection.Closed += error =>
        {
            _closed.TrySetResult(error);
            return Task.CompletedTask;
        };
    }

    public HubConnection Connection { get; }

    public ChatTransport Transport { get; }

    /// <summary>The connection closed (it never should while a test uses it); its error, if any.</summary>
    public Task<Exception?> Closed => _closed.Task;

    /// <summary>The server's id of this connection, from the hub (WhoAmI).</summary>
    public string? ServerConnectionId { get; private set; }

    public static ChatClient Create(Uri hub, ChatTransport transport, Action<HttpConnectionOptions>? configure = null)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(hub, options =>
            {
                switch (transport)
                {
                    case ChatTransport.LongPolling:
                        options.Transports = HttpTransportType.LongPolling;
                        break;
                    case ChatTransport.ServerSentEvents:
                        options.Transports = HttpTransportType.ServerSentEvents;
                        break;
                    case ChatTransport.WebSocketsSkipNegotiation:
                        options.Transports = HttpTransportType.WebSockets;
                        options.SkipNegotiation = true;
                        break;
                    case ChatTransport.WebSockets:
                        options.Transports = HttpTransportType.WebSockets;
                        break;
                }
                configure?.Invoke(options);
            })
            .Build();
        return new ChatClient(connection, transport);
    }

    /// <summary>Connects, then asks the hub who this connection is.</summary>
    public async Task ConnectAsync(CancellationToken cancellationToken)
    {
        await Connection.StartAsync(cancellationToken);
        ServerConnectionId = await Connection.InvokeAsync<string>("WhoAmI", cancellationToken);
    }

    /// <summary>
    /// One round of use: a message to this very connection (SendToConnection), awaited on the
    /// connection's receiving side (a WebSocket, an event stream, a long poll); returns its round trip.
    /// </summary>
    public async Task<TimeSpan> PingAsync(CancellationToken cancellationToken)
    {
        var text = $"ping {Interlocked.Increment(ref _pings)}";
        var stopwatch = Stopwatch.StartNew();
        await Connection.InvokeAsync("SendToConnection", ServerConnectionId, text, cancellationToken);
        while (await _messages.Reader.ReadAsync(cancellationToken) != text)
        {
        }
        return stopwatch.Elapsed;
    }

    public ValueTask DisposeAsync() => Connection.DisposeAsync();
}
