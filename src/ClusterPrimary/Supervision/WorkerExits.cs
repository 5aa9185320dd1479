using System.Collections.Concurrent;

namespace ClusterHost.Primary.Supervision;

/// <summary>
/// How each recent launch ended, for those outside supervision that need to know why a worker
/// vanished under them: the proxy retries a request whose worker was killed, never one whose
/// worker crashed while serving it. A launch is forgotten <see cref="Retention"/> after its exit.
/// </summary>
internal sealed class WorkerExits(TimeProvider time)
{
    /// <summary>How long an exit is remembered: 30 s.</summary>
    internal static readonly TimeSpan Retention = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<WorkerInstance, (Task<int> Exited, long RecordedAt)> _launches = new();

    /// <summary>Remembers the launch <paramref name="instance"/>, which completes <paramref name="exited"/> with its exit code.</summary>
    public void Record(WorkerInstance instance, Task<int> exited)
    {
        foreach (var (old, launch) in _launches)
        {
            if (launch.Exited.IsCompleted && time.GetElapsedTime(launch.RecordedAt) > Retention)
            {
                _launches.TryRemove(old, out _);
            }
        }
        _launches[instance] = (exited, time.GetTimestamp());
    }

    /// <summary>
    /// The exit code of <paramref name="instance"/> once it has exited within <paramref name="wait"/>;
    /// null when it is still running then, or unknown.
    /// </summary>
    public async Task<int?> WaitForExitAsync(WorkerInstance instance, TimeSpan wait, CancellationToken cancellationToken)
    {
        if (!_launches.TryGetValue(instance, out var launch))
        {
            return null;
        }
        try
        {
            return await launch.Exited.WaitAsync(wait, time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            return null;
        }
    }

    /// <summary>
    /// True for an exit a signal from outside caused (SIGKILL, SIGTERM, SIGINT, SIGHUP: the
    /// supervisor, an operator, the OOM killer); false for a crash (SIGABRT from FailFast or an
    /// unhandled exception, SIGSEGV, any exit code), which the request in flight may have caused.
    /// </summary>
    public static bool WasKilled(int exitCode) => exitCode is 128 + 9 or 128 + 15 or 128 + 2 or 128 + 1;
}
