using System.Runtime.CompilerServices;
using System.Threading.Channels;
using ClusterHost.LoadTests.Http;

namespace ClusterHost.LoadTests.Load;

/// <summary>
/// One keep-alive connection of a mixed-cost run. Open loop: it sends the requests its queue is
/// handed, in order, each as soon as the connection is free (HTTP/1.1 carries one at a time), and
/// records each with the time it was due. Closed loop: it sends the next request as soon as the
/// last is answered. A lost connection is replaced by a new one, as a real client would.
/// </summary>
internal sealed class MixedCostLane(LoadClient client, RawHttpConnection first)
{
    private static readonly TimeSpan ReconnectPause = TimeSpan.FromMilliseconds(50);

    // Not SingleReader: that channel cannot count what it holds (Unsent).
    private readonly Channel<ScheduledRequest> _queue = Channel.CreateUnbounded<ScheduledRequest>(
        new UnboundedChannelOptions { SingleWriter = true });
    private RawHttpConnection? _connection = first;

    /// <summary>Where the pacer puts this connection's requests as they fall due.</summary>
    public ChannelWriter<ScheduledRequest> Queue => _queue.Writer;

    /// <summary>Requests handed over but never sent (the run was cut short).</summary>
    public int Unsent => _queue.Reader.Count;

    /// <summary>Open loop: sends what the queue is handed until it is completed and empty, or <paramref name="abort"/>.</summary>
    public async Task RunOpenLoopAsync(CancellationToken abort)
    {
        try
        {
            while (await _queue.Reader.WaitToReadAsync(abort))
            {
                while (_queue.Reader.TryRead(out var request))
                {
                    if (await ConnectionAsync(request.Kind, abort) is { } connection)
                    {
                        await client.SendAsync(connection, request.Path, request.Kind, abort, request.IntendedMs);
                    }
                }
            }
        }
        finally
        {
            _connection?.Dispose();
        }
    }

    /// <summary>Closed loop: request after request, numbered from <paramref name="next"/> (shared by every lane), until <paramref name="stop"/>.</summary>
    public async Task RunClosedLoopAsync(CostMix mix, StrongBox<long> next, CancellationToken stop, CancellationToken abort)
    {
        try
        {
            while (!stop.IsCancellationRequested)
            {
                var kind = mix.KindOf(Interlocked.Increment(ref next.Value) - 1);
                if (await ConnectionAsync(kind, abort) is { } connection)
                {
                    await client.SendAsync(connection, mix.PathOf(kind), kind, abort);
                }
                else
                {
                    await Task.Delay(ReconnectPause, client.Clock.TimeProvider, abort);
                }
            }
        }
        finally
        {
            _connection?.Dispose();
        }
    }

    /// <summary>The open connection, or a new one when it closed; null (recorded as a connect failure) when none opens.</summary>
    private async Task<RawHttpConnection?> ConnectionAsync(RequestKind kind, CancellationToken abort)
    {
        if (_connection is null || _connection.IsClosed)
        {
            _connection?.Dispose();
            _connection = await client.OpenAsync("mixed-cost", kind, abort);
        }
        return _connection;
    }
}
