namespace ClusterHost.Primary.Supervision;

/// <summary>
/// The restart schedule of one worker slot. The first failure restarts at once; each further
/// consecutive failure waits <see cref="InitialDelay"/> × <see cref="Factor"/>^(n-2), capped at
/// <see cref="MaxDelay"/>: 0, 0.25 s, 0.5 s, 1 s, 2 s, 4 s, 8 s, 16 s, 16 s ... A worker that became
/// ready and stayed up for <see cref="StableUptime"/> resets the count; a worker that never became
/// ready is a failure however long it ran (a start timeout is a failed start). More than
/// <c>maxRestarts</c> failures in a row and the slot is given up.
/// </summary>
/// <remarks>
/// <c>--restart-delay</c> (<paramref name="restartDelay"/>) is the least wait before any restart,
/// PM2's <c>restart_delay</c>: each wait is the larger of it and the schedule above.
/// </remarks>
internal sealed class RestartBackoff(int maxRestarts, TimeSpan restartDelay = default)
{
    public static readonly TimeSpan InitialDelay = TimeSpan.FromMilliseconds(250);
    public const double Factor = 2;
    public static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(16);
    public static readonly TimeSpan StableUptime = TimeSpan.FromSeconds(10);

    public int MaxRestarts { get; } = maxRestarts;

    /// <summary>The least wait before any restart (<c>--restart-delay</c>); zero by default.</summary>
    public TimeSpan RestartDelay { get; } = restartDelay;

    public int ConsecutiveFailures { get; private set; }

    /// <param name="uptime">How long the worker that just exited had run, from its launch.</param>
    /// <param name="becameReady">Whether it ever became ready; one that did not never resets the count.</param>
    public RestartDecision OnExit(TimeSpan uptime, bool becameReady)
    {
        if (becameReady && uptime >= StableUptime)
        {
            ConsecutiveFailures = 0;
        }
        ConsecutiveFailures++;
        return ConsecutiveFailures > MaxRestarts
            ? new RestartDecision(true, TimeSpan.Zero, ConsecutiveFailures)
            : new RestartDecision(false, DelayFor(ConsecutiveFailures, RestartDelay), ConsecutiveFailures);
    }

    /// <summary>
    /// The wait before the restart that follows the <paramref name="failures"/>-th consecutive
    /// failure: the schedule's, or <paramref name="restartDelay"/> when that is longer.
    /// </summary>
    public static TimeSpan DelayFor(int failures, TimeSpan restartDelay = default)
    {
        var delay = failures <= 1 ? TimeSpan.Zero : InitialDelay * Math.Pow(Factor, Math.Min(failures - 2, 30));
        delay = delay < MaxDelay ? delay : MaxDelay;
        return delay > restartDelay ? delay : restartDelay;
    }

    /// <summary>
    /// The longest a slot whose worker never becomes ready runs before it is given up:
    /// <c>(maxRestarts + 1) × startTimeout</c> plus every backoff wait, launch and kill time aside.
    /// </summary>
    public static TimeSpan GiveUpBound(int maxRestarts, TimeSpan startTimeout, TimeSpan restartDelay = default)
    {
        var bound = startTimeout * (maxRestarts + 1);
        for (var failures = 1; failures <= maxRestarts; failures++)
        {
            bound += DelayFor(failures, restartDelay);
        }
        return bound;
    }
}
