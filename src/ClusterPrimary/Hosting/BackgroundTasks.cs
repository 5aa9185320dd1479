using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ClusterHost.Primary.Hosting;

/// <summary>
/// Owns the tasks the primary starts off its callers' paths (a scale request from a signal
/// handler, a recycling, a hung worker's evidence, the supervision loops), so that none is left
/// unobserved: each runs on the thread pool, its failure is logged, and shutdown awaits them all
/// (<see cref="WhenAllAsync"/>).
/// </summary>
internal sealed class BackgroundTasks(ClusterOutcome outcome, IHostApplicationLifetime lifetime, ILogger<BackgroundTasks> logger)
{
    private readonly Lock _gate = new();
    private readonly HashSet<Task> _running = [];

    /// <summary>Runs <paramref name="work"/>; if it fails, logs it and the cluster goes on.</summary>
    /// <param name="name">What it does, for the log ("scaling up").</param>
    /// <param name="work">The work; it may complete synchronously.</param>
    public void Run(string name, Func<Task> work) => Track(RunAsync(name, work, stopClusterOnFailure: false));

    /// <summary>
    /// Runs a loop that must last until shutdown (<paramref name="loop"/> handles its own
    /// per-iteration failures); if it still fails, logs it and stops the cluster with exit code
    /// <see cref="ExitCodes.Failure"/>: a cluster that no longer watches its workers must not go on.
    /// </summary>
    public void RunLoop(string name, Func<Task> loop) => Track(RunAsync(name, loop, stopClusterOnFailure: true));

    /// <summary>Completes once every task started so far, and any they started, has ended.</summary>
    public async Task WhenAllAsync()
    {
        while (true)
        {
            Task[] pending;
            lock (_gate)
            {
                _running.RemoveWhere(t => t.IsCompleted);
                pending = [.. _running];
            }
            if (pending.Length == 0)
            {
                return;
            }
            await Task.WhenAll(pending).ConfigureAwait(false);
        }
    }

    private void Track(Task task)
    {
        lock (_gate)
        {
            _running.RemoveWhere(t => t.IsCompleted);
            _running.Add(task);
        }
    }

    private Task RunAsync(string name, Func<Task> work, bool stopClusterOnFailure) => Task.Run(async () =>
    {
        try
        {
            await work().ConfigureAwait(false);
        }
        catch (Exception e) when (!stopClusterOnFailure)
        {
            Log.BackgroundTaskFailed(logger, name, e);
        }
        catch (Exception e)
        {
            Log.BackgroundLoopFailed(logger, name, e);
            outcome.Fail(ExitCodes.Failure);
            lifetime.StopApplication();
        }
    });
}
