using System.Runtime.Versioning;
using System.Threading.Channels;
using ClusterHost.LoadTests.Platform;

namespace ClusterHost.LoadTests.Load;

/// <summary>
/// Hands each request of an <see cref="OpenLoopSchedule"/> to its connection's queue when it is
/// due, from a thread of its own that sleeps with clock_nanosleep (Task.Delay and Thread.Sleep
/// count whole milliseconds, a request's whole cost at p50). It never hands a request early; how
/// late it hands each one is kept (<see cref="LagsMs"/>): the generator's own precision, reported
/// so that a lagging generator cannot pass for a slow server.
/// </summary>
[SupportedOSPlatform("linux")]
internal sealed class OpenLoopPacer(OpenLoopSchedule schedule, CostMix mix, ScenarioClock clock, IReadOnlyList<ChannelWriter<ScheduledRequest>> queues)
{
    private readonly List<double> _lags = [];

    /// <summary>How late each request was handed over, in ms, in schedule order.</summary>
    public IReadOnlyList<double> LagsMs => _lags;

    /// <summary>Hands over every request due before <paramref name="endMs"/>, then completes the queues.</summary>
    public Task RunAsync(double endMs, CancellationToken abort) => Task.Factory.StartNew(
        () => Run(endMs, abort), abort, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private void Run(double endMs, CancellationToken abort)
    {
        try
        {
            var count = schedule.CountBefore(endMs);
            for (long i = 0; i < count; i++)
            {
                var due = schedule.IntendedMs(i);
                SleepUntil(due, abort);
                var kind = mix.KindOf(i);
                queues[schedule.ConnectionOf(i)].TryWrite(new ScheduledRequest(i, due, kind, mix.PathOf(kind)));
                _lags.Add(clock.NowMs - due);
            }
        }
        finally
        {
            foreach (var queue in queues)
            {
                queue.TryComplete();
            }
        }
    }

    private void SleepUntil(double dueMs, CancellationToken abort)
    {
        while (true)
        {
            abort.ThrowIfCancellationRequested();
            var left = dueMs - clock.NowMs;
            if (left <= 0)
            {
                return;
            }
            // At most 100 ms at a time, so that an abort is seen soon.
            var nanoseconds = (long)(Math.Min(left, 100) * 1_000_000);
            var duration = new Interop.Timespec { Seconds = nanoseconds / 1_000_000_000, Nanoseconds = nanoseconds % 1_000_000_000 };
            _ = Interop.ClockNanosleep(Interop.CLOCK_MONOTONIC, 0, duration, IntPtr.Zero);
        }
    }
}
