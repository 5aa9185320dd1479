using ClusterHost.Primary.Supervision;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy;
using Yarp.ReverseProxy.Health;
using Yarp.ReverseProxy.Model;

namespace ClusterHost.Primary.Balancing.Proxy;

/// <summary>
/// The proxy's active health, without a probe: every <see cref="Interval"/> each worker in
/// rotation whose last heartbeat on the control channel (<see cref="WorkerSigns"/>) is
/// <see cref="SilenceLimit"/> old or older is marked unhealthy, and healthy again once it is
/// heard from. <see cref="WorkerAvailabilityPolicy"/> then routes around it.
/// </summary>
/// <remarks>
/// The worker sends its heartbeat from the thread pool, where Kestrel runs its requests too: a
/// starved or blocked pool, a long GC pause or a stopped process silences both. An HTTP probe
/// would tell no more, and it would be one more request in the app's logs and metrics. A worker
/// that drains leaves the rotation at once (<see cref="ProxyFront.WorkerLeaving"/>); one that stops
/// on its own closes its listener, and the first refused connection takes it out (passive health).
/// </remarks>
internal sealed class WorkerSilenceMonitor(
    IProxyStateLookup proxyState,
    IDestinationHealthUpdater healthUpdater,
    WorkerSigns signs,
    TimeProvider time,
    ILogger<WorkerSilenceMonitor> logger) : BackgroundService
{
    /// <summary>How often the heartbeats are checked: 500 ms.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// How long a worker may be silent before it gets no new requests: 3 s, three missed heartbeats
    /// (the probe this replaces needed two failures, 2 s apart, with a 2 s timeout).
    /// </summary>
    public static readonly TimeSpan SilenceLimit = TimeSpan.FromSeconds(3);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    Check();
                }
                catch (Exception e)
                {
                    // A failed check must not end the checks that follow.
                    Log.SilenceCheckFailed(logger, e);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>One check of every destination's heartbeat.</summary>
    internal void Check()
    {
        if (!proxyState.TryGetCluster(ProxyConfigFactory.ClusterId, out var cluster))
        {
            return;
        }
        List<NewActiveDestinationHealth>? changes = null;
        foreach (var destination in cluster.Destinations.Values)
        {
            if (!WorkerDestination.TryParseId(destination.DestinationId, out var instance) || signs.LastSign(instance) is not (> 0 and var lastSign))
            {
                continue; // exited (the supervisor takes it out) or not heard from yet
            }
            var silence = time.GetElapsedTime(lastSign);
            var current = destination.Health.Active;
            if (silence >= SilenceLimit && current != DestinationHealth.Unhealthy)
            {
                (changes ??= []).Add(new NewActiveDestinationHealth(destination, DestinationHealth.Unhealthy));
                Log.WorkerSilent(logger, instance.WorkerId, destination.DestinationId, silence);
            }
            else if (silence < SilenceLimit && current == DestinationHealth.Unhealthy)
            {
                (changes ??= []).Add(new NewActiveDestinationHealth(destination, DestinationHealth.Healthy));
                Log.WorkerHeardAgain(logger, instance.WorkerId, destination.DestinationId);
            }
        }
        if (changes is not null)
        {
            healthUpdater.SetActive(cluster, changes);
        }
    }
}
