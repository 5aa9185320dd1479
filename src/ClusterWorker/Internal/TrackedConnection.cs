using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;

namespace ClusterHost.Worker.Internal;

/// <summary>
/// One connection on an endpoint the primary gave: how many requests are in flight on it and
/// when it last finished one, so a drain can tell an idle connection from a busy one.
/// </summary>
internal sealed class TrackedConnection(ConnectionContext context, long openedAt)
{
    private int _activeRequests;
    private long _lastActivity = openedAt;
    private int _closeRequested;
    private volatile bool _isHttp2;

    public string Id => context.ConnectionId;

    /// <summary>True once a request on it was HTTP/2 (closing it sends GOAWAY, which no client can race).</summary>
    public bool IsHttp2 => _isHttp2;

    public bool IsIdle => Volatile.Read(ref _activeRequests) == 0;

    /// <summary>Timestamp (<see cref="TimeProvider.GetTimestamp"/>) the connection opened or last finished a request.</summary>
    public long LastActivity => Interlocked.Read(ref _lastActivity);

    public void RequestStarted(bool isHttp2)
    {
        Interlocked.Increment(ref _activeRequests);
        if (isHttp2)
        {
            _isHttp2 = true;
        }
    }

    public void RequestEnded(long timestamp)
    {
        // The time first: whoever sees no request in flight also sees when the last one ended.
        Interlocked.Exchange(ref _lastActivity, timestamp);
        Interlocked.Decrement(ref _activeRequests);
    }

    /// <summary>
    /// Kestrel's graceful close (what its own shutdown does to each connection): HTTP/1.1 closes
    /// an idle connection, or answers the request in flight with <c>Connection: close</c>;
    /// HTTP/2 sends GOAWAY and finishes its streams. Once per connection.
    /// </summary>
    public void RequestClose()
    {
        if (Interlocked.Exchange(ref _closeRequested, 1) == 0)
        {
            context.Features.Get<IConnectionLifetimeNotificationFeature>()?.RequestClose();
        }
    }
}
