using System.Collections.Concurrent;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http;

namespace ClusterHost.Worker.Internal;

/// <summary>
/// The open connections on the endpoints the primary gave (a connection middleware registers
/// them), and the requests in flight on each (the worker's first middleware counts them); once
/// draining, every HTTP/1.x response says <c>Connection: close</c>.
/// </summary>
internal sealed class ConnectionTracker(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, TrackedConnection> _connections = new(StringComparer.Ordinal);
    private volatile bool _draining;
    private int _acceptsPending;

    public int Count => _connections.Count;

    public IEnumerable<TrackedConnection> Connections => _connections.Values;

    /// <summary>True once the drain has begun: responses carry <c>Connection: close</c>.</summary>
    public bool IsDraining => _draining;

    public void BeginDraining() => _draining = true;

    /// <summary>Accepts pending on the tracked listeners (Kestrel keeps one per listener until the listener closes).</summary>
    public int AcceptsPending => Volatile.Read(ref _acceptsPending);

    /// <summary>A tracked listener's accept began.</summary>
    public void AcceptStarting() => Interlocked.Increment(ref _acceptsPending);

    /// <summary>A tracked listener's accept returned (a connection, which <see cref="Accepted"/> has counted, or none: it closed).</summary>
    public void AcceptEnded() => Interlocked.Decrement(ref _acceptsPending);

    /// <summary>How long <paramref name="connection"/> has been without a request in flight (zero while one is).</summary>
    public TimeSpan IdleTime(TrackedConnection connection) =>
        connection.IsIdle ? time.GetElapsedTime(connection.LastActivity) : TimeSpan.Zero;

    /// <summary>
    /// A connection a listener returned to Kestrel whose connection middleware has not run yet
    /// (a handed-off or a tracked socket listener's one): counted from now, so a drain that starts meanwhile waits for it instead
    /// of leaving it to Kestrel's stop, which would close it unread. <see cref="Track"/> takes it over.
    /// </summary>
    public void Accepted(ConnectionContext context) =>
        _connections.TryAdd(context.ConnectionId, new TrackedConnection(context, time.GetTimestamp()));

    /// <summary>Kestrel connection middleware: tracks the connection for its lifetime.</summary>
    public ConnectionDelegate Track(ConnectionDelegate next) => async context =>
    {
        var connection = new TrackedConnection(context, time.GetTimestamp());
        _connections[context.ConnectionId] = connection;
        try
        {
            await next(context).ConfigureAwait(false);
        }
        finally
        {
            _connections.TryRemove(context.ConnectionId, out _);
        }
    };

    /// <summary>HTTP middleware, first in the pipeline: counts the request on its connection.</summary>
    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        if (context.Connection.Id is not { } id || !_connections.TryGetValue(id, out var connection))
        {
            // An endpoint the app added itself: Kestrel's own behaviour.
            await next(context).ConfigureAwait(false);
            return;
        }
        var isHttp2 = HttpProtocol.IsHttp2(context.Request.Protocol);
        connection.RequestStarted(isHttp2);
        try
        {
            if (_draining && isHttp2)
            {
                connection.RequestClose(); // GOAWAY; this stream still completes
            }
            else if (!isHttp2)
            {
                context.Response.OnStarting(AddConnectionClose, context);
            }
            await next(context).ConfigureAwait(false);
        }
        finally
        {
            connection.RequestEnded(time.GetTimestamp());
        }
    }

    // HTTP/1.x only. Kestrel ends the connection after a response that says close: the client
    // knows before it sends again, so nothing it sends can meet a closed socket.
    private Task AddConnectionClose(object state)
    {
        if (_draining)
        {
            ((HttpContext)state).Response.Headers.Connection = "close";
        }
        return Task.CompletedTask;
    }
}
