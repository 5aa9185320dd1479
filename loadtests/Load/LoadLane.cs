using ClusterHost.LoadTests.Http;

namespace ClusterHost.LoadTests.Load;

/// <summary>
/// One client in a loop: <c>GET /</c> on its keep-alive connection, a pause, again. When its
/// connection is lost (a crashed worker), it opens a new one, as a real client would; the new
/// connection is a new record, so the lost one keeps its owner.
/// </summary>
internal sealed class LoadLane(LoadClient client, OwnedConnection first, TimeSpan think)
{
    /// <summary>Upper bound of requests per lane, whatever the duration.</summary>
    public const int MaxRequests = 100_000;

    private static readonly TimeSpan ReconnectPause = TimeSpan.FromMilliseconds(50);

    public OwnedConnection First => first;

    /// <summary>Runs until <paramref name="stop"/> (between requests) or <paramref name="abort"/> (at once, throwing).</summary>
    public async Task RunAsync(CancellationToken stop, CancellationToken abort)
    {
        RawHttpConnection? connection = first.Connection;
        try
        {
            for (var sent = 0; sent < MaxRequests && !stop.IsCancellationRequested; sent++)
            {
                if (connection is null || connection.IsClosed)
                {
                    connection?.Dispose();
                    connection = await client.OpenAsync("load", RequestKind.Load, abort);
                    if (connection is null && !await PauseAsync(ReconnectPause, stop))
                    {
                        break;
                    }
                    continue;
                }
                await client.SendAsync(connection, "/", RequestKind.Load, abort);
                if (think > TimeSpan.Zero && !await PauseAsync(think, stop))
                {
                    break;
                }
            }
        }
        finally
        {
            connection?.Dispose();
        }
    }

    /// <summary>False when <paramref name="stop"/> came first.</summary>
    private async Task<bool> PauseAsync(TimeSpan pause, CancellationToken stop)
    {
        try
        {
            await Task.Delay(pause, client.Clock.TimeProvider, stop);
            return true;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return false;
        }
    }
}
