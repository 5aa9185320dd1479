using ClusterHost.Control;
using ClusterHost.Worker.Metrics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ClusterHost.Worker.Internal;

/// <summary>
/// Runs the worker's side of the control channel: "ready" once Kestrel listens, a heartbeat
/// every second, drain on request, metrics on request, and exit when the primary is gone.
/// </summary>
/// <remarks>
/// The reader and the orphan exit run on dedicated threads, not the thread pool, so that a
/// worker whose thread pool is starved or blocked still notices the primary's death and exits.
/// The heartbeat deliberately runs on the thread pool: a starved pool stops it, which is what
/// lets the primary's watchdog see a hung worker. Metrics requests are answered on the reader
/// thread, so a worker with a starved pool still reports (its thread-pool lag included).
/// </remarks>
internal sealed partial class PrimaryConnectionService(
    PrimaryConnection connection,
    WorkerEnvironment environment,
    WorkerMetricsCollector metrics,
    ClusterMetricsClient clusterMetrics,
    IHostApplicationLifetime lifetime,
    RequestCounter requests,
    TimeProvider timeProvider,
    ILogger<PrimaryConnectionService> logger) : IHostedService, IDisposable
{
    /// <summary>How long an orphaned worker may drain before it exits regardless.</summary>
    internal static readonly TimeSpan OrphanExitTimeout = TimeSpan.FromSeconds(4);

    internal static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(1);

    private ITimer? _heartbeat;
    private CancellationTokenRegistration _started;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _started = lifetime.ApplicationStarted.Register(() =>
        {
            connection.Send(new ReadyMessage());
            Log.Ready(logger, environment.WorkerId);
        });
        _heartbeat = timeProvider.CreateTimer(
            _ => connection.Send(new HeartbeatMessage(requests.Count)),
            null, HeartbeatInterval, HeartbeatInterval);
        new Thread(ReadLoop) { IsBackground = true, Name = "ClusterWorker control" }.Start();
        return Task.CompletedTask;
    }

    private void ReadLoop()
    {
        while (connection.Receive() is { } message)
        {
            switch (message)
            {
                case DrainMessage:
                    Log.Draining(logger, environment.WorkerId);
                    lifetime.StopApplication();
                    break;
                case MetricsRequestMessage request:
                    AnswerMetrics(request.Id);
                    break;
                case ClusterMetricsMessage answer:
                    clusterMetrics.OnAnswer(answer);
                    break;
            }
        }
        clusterMetrics.Close();

        Log.PrimaryGone(logger, environment.WorkerId, OrphanExitTimeout);
        lifetime.StopApplication();
        new Thread(() =>
        {
            Thread.Sleep(OrphanExitTimeout);
            Log.OrphanExit(logger, environment.WorkerId);
            // Last resort once graceful stop has had its chance: SIGKILL ourselves. Nothing can
            // block this, unlike Environment.Exit, which runs shutdown handlers.
            System.Diagnostics.Process.GetCurrentProcess().Kill();
        }) { IsBackground = true, Name = "ClusterWorker orphan exit" }.Start();
    }

    // Every request gets an answer, with metrics or without: the primary asks again only once
    // the previous request is answered.
    private void AnswerMetrics(long id)
    {
        var answer = CollectMetrics(id);
        if (connection.Send(answer) == ControlSendResult.TooLong)
        {
            Log.MetricsTooLarge(logger, environment.WorkerId, connection.MaxLineBytes);
            connection.Send(new MetricsMessage { Id = id, Message = "the metrics snapshot exceeds the control channel's line limit" });
        }
    }

    private MetricsMessage CollectMetrics(long id)
    {
        try
        {
            return new MetricsMessage { Id = id, Metrics = metrics.Collect() };
        }
        catch (Exception e)
        {
            // An observable instrument's callback threw: answer at once (the primary reports this
            // worker not up) rather than let the primary wait out its timeout.
            Log.MetricsCollectionFailed(logger, environment.WorkerId, e);
            return new MetricsMessage { Id = id, Message = e.Message };
        }
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _heartbeat?.Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _heartbeat?.Dispose();
        _started.Dispose();
    }
}
