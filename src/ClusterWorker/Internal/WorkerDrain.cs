using ClusterHost.Control;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ClusterHost.Worker.Internal;

/// <summary>
/// Drains the worker so that a client that never retries does not notice, before Kestrel's own
/// stop: the listeners close at once (new connections go to the other workers), the connections
/// already open keep being served, every response says <c>Connection: close</c> (HTTP/1.x) or the
/// connection gets GOAWAY (HTTP/2), and an idle HTTP/1.x connection is closed only once it has
/// been idle for <see cref="IdleCloseAfter"/>. Kestrel's stop then finds nothing left to close.
/// </summary>
/// <remarks>
/// Kestrel's graceful stop closes idle keep-alive connections at once: a request the client sent
/// at that instant meets a closed socket, which HttpClient retries and wrk, Python or curl do not.
/// A client busy on its connection sends again within milliseconds, gets <c>Connection: close</c>
/// on that response and reconnects, to another worker. Only a client that leaves its connection
/// idle for the whole bound and sends at the very instant the close crosses the wire can still
/// meet it, as it can meet Kestrel's keep-alive timeout on any day.
/// Runs in <see cref="StoppingAsync"/>, which the host runs before any hosted service's StopAsync,
/// whatever stopped it: the primary's drain, SIGTERM, the primary's death.
/// </remarks>
internal sealed class WorkerDrain(
    ConnectionTracker connections,
    WorkerListenSockets listeners,
    WorkerEnvironment environment,
    IOptions<HostOptions> hostOptions,
    TimeProvider time,
    ILogger<WorkerDrain> logger) : IHostedLifecycleService
{
    /// <summary>An idle HTTP/1.x connection is closed once it has been idle this long during a drain: 2 s.</summary>
    internal static readonly TimeSpan IdleCloseAfter = TimeSpan.FromSeconds(2);

    /// <summary>Kept from the shutdown timeout for Kestrel's own stop after the drain: 0.5 s.</summary>
    internal static readonly TimeSpan KestrelStopReserve = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// <see cref="IdleCloseAfter"/>; zero behind the primary's proxy, whose client
    /// (SocketsHttpHandler) sends a request again on a new connection when a pooled one closes
    /// before any of the response arrived, and which has already taken the worker out of rotation.
    /// </summary>
    internal static TimeSpan IdleBound(string listenMode) =>
        WorkerListenModes.IsBehindProxy(listenMode) ? TimeSpan.Zero : IdleCloseAfter;

    internal static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// How long the drain waits, at most, for the accepts pending on the listeners it closed to
    /// return (each at once, normally: a closed listener's accept fails), so that a connection
    /// accepted just before the close is counted before the drain looks for open connections: 1 s.
    /// </summary>
    internal static readonly TimeSpan AcceptSettle = TimeSpan.FromSeconds(1);

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var listenersClosed = listeners.CloseAll();
        connections.BeginDraining();
        Log.DrainStarted(logger, environment.WorkerId, listenersClosed, connections.Count, IdleBound(environment.ListenMode));

        var idleBound = IdleBound(environment.ListenMode);
        var budget = hostOptions.Value.ShutdownTimeout - KestrelStopReserve;
        while ((connections.Count > 0 || (connections.AcceptsPending > 0 && time.GetElapsedTime(started) < AcceptSettle))
            && time.GetElapsedTime(started) < budget)
        {
            foreach (var connection in connections.Connections)
            {
                if (connection.IsHttp2 || connections.IdleTime(connection) >= idleBound)
                {
                    connection.RequestClose();
                }
            }
            try
            {
                await Task.Delay(PollInterval, time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
        Log.Drained(logger, environment.WorkerId, (long)time.GetElapsedTime(started).TotalMilliseconds, connections.Count);
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
