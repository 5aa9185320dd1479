using System.Globalization;
using ClusterHost.Primary.Configuration;
using ClusterHost.Primary.Control;

namespace ClusterHost.Primary.Supervision;

/// <summary>
/// Notices when the injection did not take: a worker that is alive but never connects to the
/// primary within <see cref="Bound"/> (the injected hosting startup connects while the app's web host
/// is built, seconds before it is ready) runs an app that builds no web host, or one whose hosting
/// startups or startup hooks are off. Restarting cannot help: the first such worker is killed and
/// reported fatal, and the cluster stops with <see cref="ExitCodes.AppNotHostable"/>.
/// </summary>
/// <remarks>
/// The bound counts the worker's own time: time its main thread spent runnable but waiting for a
/// CPU (a loaded machine, or many workers starting on few cores) is added to it, up to
/// <c>--start-timeout</c>, so a slow start under load is not mistaken for a failed injection.
/// </remarks>
internal sealed class WorkerHandshakeWatch(ClusterHostConfig config, ClusterOutcome outcome, TimeProvider time)
{
    private string? _verdict;
    private bool _proven;

    /// <summary>How long a worker may take to connect: 10 s, or <c>--start-timeout</c> if shorter.</summary>
    public TimeSpan Bound => config.StartTimeout < ControlServer.HelloTimeout ? config.StartTimeout : ControlServer.HelloTimeout;

    /// <summary>Set once a worker failed to connect; workers that never connected are then killed rather than drained.</summary>
    public bool InjectionFailed => Volatile.Read(ref _verdict) is not null;

    /// <summary>Set once any worker became ready: the injection works for this app.</summary>
    public bool InjectionProven => Volatile.Read(ref _proven);

    /// <summary>
    /// Watches <paramref name="process"/> until it connects or exits, until the injection is
    /// proven. After that a worker that does not connect (a restart on a loaded machine, a reload
    /// to a broken build) is an ordinary failed start, left to <c>--start-timeout</c> and the
    /// restart policy, never a reason to stop a cluster that serves.
    /// </summary>
    public IWorkerProcess Watch(WorkerProcess process)
    {
        if (InjectionProven)
        {
            return process;
        }
        process.Ready.ContinueWith(_ => Volatile.Write(ref _proven, true), CancellationToken.None,
            TaskContinuationOptions.OnlyOnRanToCompletion | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        var watched = new HandshakeWatchedProcess(process, this);
        ITimer? timer = null;
        timer = time.CreateTimer(_ =>
        {
            if (watched.OnBoundPassed() is { } more)
            {
                timer?.Change(more, Timeout.InfiniteTimeSpan);
            }
        }, null, Bound, Timeout.InfiniteTimeSpan);
        process.Exited.ContinueWith(_ => timer.Dispose(), TaskScheduler.Default);
        return watched;
    }

    /// <summary>
    /// More time for worker <paramref name="pid"/>, which has been given <paramref name="allowed"/> so
    /// far: the time it waited for a CPU, up to <c>--start-timeout</c> in all; null when none is due.
    /// </summary>
    internal TimeSpan? MoreTime(int pid, TimeSpan allowed)
    {
        if (Platform.ProcessRunQueueWait.Read(pid) is not { } waited)
        {
            return null;
        }
        var due = Bound + waited;
        if (due > config.StartTimeout)
        {
            due = config.StartTimeout;
        }
        var more = due - allowed;
        return more >= MinimumExtension ? more : null;
    }

    /// <summary>The smallest extension worth a timer: 100 ms.</summary>
    private static readonly TimeSpan MinimumExtension = TimeSpan.FromMilliseconds(100);

    /// <summary>True when this worker is the first to fail: it carries the verdict; the cluster stops.</summary>
    internal bool TryFail(IWorkerProcess process, out string verdict)
    {
        var reason = string.Create(CultureInfo.InvariantCulture,
            $"it did not connect to the primary within {Bound.TotalSeconds:0.#} s of its own time, so ClusterHost could not configure it: the app builds no ASP.NET Core web host "
            + $"(WebApplication or IWebHostBuilder), or it prevents hosting startups or startup hooks; host a web app, or reference ClusterHost.Worker and call UseClusterWorker()");
        if (Interlocked.CompareExchange(ref _verdict, reason, null) is not null)
        {
            verdict = string.Empty;
            return false;
        }
        // Before the slot sees the exit: the first failure recorded is the cluster's exit code.
        outcome.Fail(ExitCodes.AppNotHostable);
        verdict = reason;
        return true;
    }
}
