using System.Globalization;
using ClusterHost.Primary.Balancing;
using ClusterHost.Primary.Configuration;
using ClusterHost.Primary.Metrics;
using ClusterHost.Primary.Operator;
using ClusterHost.Primary.Status;
using ClusterHost.Primary.Supervision;
using ClusterHost.Primary.Supervision.Standby;
using ClusterHost.Text;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ClusterHost.Primary.Hosting;

/// <summary>
/// The primary's one hosted service: the order in which the cluster starts and stops, in one place.
/// <list type="table">
/// <item><term>StartingAsync</term><description>claim the public endpoints (the front), then the metrics endpoint (and status page), then the control socket. A port in use or a control socket another primary listens on ends the start here, before any worker, as <see cref="StartupError"/>.</description></item>
/// <item><term>StartAsync</term><description>take the operator's signals, start the workers, the reload queue, the watch, the status sampler and the reports to systemd (status, watchdog).</description></item>
/// <item><term>StartedAsync</term><description>log "ClusterHost ready" and tell systemd READY=1 once every slot has a ready worker; then start the standbys (<c>--standby</c>).</description></item>
/// <item><term>StoppingAsync</term><description>add and remove no more workers, end the standbys, give the signals back, tell systemd STOPPING=1, stop accepting on the public URLs.</description></item>
/// <item><term>StopAsync</term><description>stop the loops, drain every worker, wait for every task started and every standby's exit.</description></item>
/// <item><term>StoppedAsync</term><description>stop the metrics endpoint and then the control socket last: they answered while the workers drained.</description></item>
/// </list>
/// </summary>
internal sealed class ClusterLifecycle(
    ClusterHostConfig config,
    IClusterFront front,
    MetricsServer metrics,
    SlotSupervisor supervisor,
    WorkerSlots slots,
    StandbyPool standbys,
    ReloadQueue reloads,
    WorkerWatch watch,
    ClusterSignals signals,
    ServiceManagerNotifications serviceManager,
    OperatorServer operatorServer,
    StatusSampler sampler,
    BackgroundTasks tasks,
    ClusterOutcome outcome,
    IHostApplicationLifetime lifetime,
    ILogger<ClusterLifecycle> logger) : IHostedLifecycleService, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>Why the cluster could not start (the one line the user sees), or null. Set in <see cref="StartingAsync"/>.</summary>
    public ClusterStartupException? StartupError { get; private set; }

    private bool Started => StartupError is null;

    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        try
        {
            await front.StartAsync(cancellationToken).ConfigureAwait(false);
            await metrics.StartAsync(cancellationToken).ConfigureAwait(false);
            operatorServer.Start();
        }
        catch (ClusterStartupException e)
        {
            // Not thrown on: the host would log it as a fault with its stack. The host starts
            // nothing more (every phase below checks), stops at once, and the primary prints the line.
            StartupError = e;
            outcome.Fail(e.ExitCode);
            lifetime.StopApplication();
        }
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (Started)
        {
            signals.Register();
            supervisor.Start();
            tasks.RunLoop("the reload queue", () => reloads.RunAsync(_stopping.Token));
            tasks.RunLoop("the worker watch", () => watch.RunAsync(_stopping.Token));
            if (serviceManager.IsEnabled)
            {
                tasks.RunLoop("the service manager's status and watchdog", () => serviceManager.RunAsync(_stopping.Token));
            }
            tasks.RunLoop("the status sampler", () => sampler.RunAsync(_stopping.Token));
        }
        return Task.CompletedTask;
    }

    public Task StartedAsync(CancellationToken cancellationToken)
    {
        if (Started)
        {
            tasks.Run("reporting the cluster ready", () => ReportReadyAsync(_stopping.Token));
        }
        return Task.CompletedTask;
    }

    private async Task ReportReadyAsync(CancellationToken stoppingToken)
    {
        var current = slots.Current;
        try
        {
            await Task.WhenAll(current.Select(s => s.FirstReady)).WaitAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return;
        }
        current = slots.Current;
        var pids = string.Join(", ", current.Select(s => s.Current?.Pid ?? 0));
        var workers = current.Count == 1 ? "1 worker" : string.Create(CultureInfo.InvariantCulture, $"{current.Count} workers");
        Log.ClusterReady(logger, string.Join(", ", front.Urls), EnumNames<BalancingMode>.ToName(front.Mode), workers, config.WorkingDirectory, pids);
        serviceManager.Ready();
        standbys.Start();
    }

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        if (!Started)
        {
            return;
        }
        var live = supervisor.BeginShutdown();
        standbys.Close();
        signals.Dispose();
        serviceManager.Stopping(live);
        Log.ShuttingDown(logger, live, config.ShutdownTimeout);
        await front.StopAcceptingAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (!Started)
        {
            return;
        }
        await _stopping.CancelAsync().ConfigureAwait(false);
        await supervisor.DrainAsync().ConfigureAwait(false);
        await tasks.WhenAllAsync().ConfigureAwait(false);
        await standbys.WhenClosedAsync().ConfigureAwait(false);
    }

    public async Task StoppedAsync(CancellationToken cancellationToken)
    {
        if (!Started)
        {
            return;
        }
        await metrics.StopAsync(cancellationToken).ConfigureAwait(false);
        await operatorServer.DisposeAsync().ConfigureAwait(false);
        Log.Stopped(logger);
    }

    public void Dispose() => _stopping.Dispose();
}
