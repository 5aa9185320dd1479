using ClusterHost.Primary.Balancing;
using ClusterHost.Primary.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ClusterHost.Primary.Supervision;

/// <summary>
/// Runs the worker slots: starts them all, reports the cluster ready once every slot is, and on
/// host shutdown stops the balancer accepting, then drains every worker in parallel.
/// </summary>
internal sealed partial class Supervisor(
    ClusterConfig config,
    IBalancer balancer,
    IWorkerLauncher launcher,
    ClusterExitCode exitCode,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ILogger<Supervisor> logger) : BackgroundService
{
    private readonly WorkerSlot[] _slots = [.. Enumerable.Range(0, config.Workers)
        .Select(id => new WorkerSlot(id, launcher, balancer, config, time, logger))];

    public IReadOnlyList<WorkerSlot> Slots => _slots;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var runs = _slots.Select(RunSlotAsync).ToArray();
        _ = ReportReadyAsync(stoppingToken);
        await Task.WhenAll(runs).ConfigureAwait(false);
    }

    private async Task ReportReadyAsync(CancellationToken stoppingToken)
    {
        try
        {
            await Task.WhenAll(_slots.Select(s => s.FirstReady)).WaitAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        var pids = string.Join(", ", _slots.Select(s => s.Current?.Pid ?? 0));
        Log.ClusterReady(logger, string.Join(", ", balancer.Urls), BalancingModeNames.ToName(balancer.Mode), _slots.Length, pids);
    }

    private async Task RunSlotAsync(WorkerSlot slot)
    {
        // Off the start-up path: the host finishes starting while workers boot.
        await Task.Yield();
        var outcome = await slot.RunAsync().ConfigureAwait(false);
        switch (outcome)
        {
            case SlotOutcome.Fatal:
                exitCode.Fail(ExitCodes.Failure);
                lifetime.StopApplication();
                break;
            case SlotOutcome.GaveUp when _slots.All(s => s.State == WorkerSlotState.GaveUp):
                Log.AllSlotsGaveUp(logger, ExitCodes.CrashLoop);
                exitCode.Fail(ExitCodes.CrashLoop);
                lifetime.StopApplication();
                break;
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        var live = _slots.Count(s => s.Current is { Exited.IsCompleted: false });
        Log.ShuttingDown(logger, live, config.ShutdownTimeout);
        await balancer.StopAcceptingAsync(cancellationToken).ConfigureAwait(false);
        await Task.WhenAll(_slots.Select(s => s.StopAsync(config.ShutdownTimeout))).ConfigureAwait(false);
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        Log.Stopped(logger);
    }
}
