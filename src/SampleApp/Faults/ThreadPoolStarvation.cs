namespace SampleApp.Faults;

/// <summary>
/// Makes this whole process serve nothing for a while, the way a blocked Node event loop does.
/// </summary>
/// <remarks>
/// Kestrel has no event loop to block: on Linux the sockets engine's epoll threads only hand
/// ready connections to the .NET thread pool, and every step of every request (accepting,
/// parsing, the app's code, timers, <c>await</c> continuations) then runs as a thread-pool work
/// item. So the .NET way to stop a whole process is thread-pool starvation, the classic
/// sync-over-async failure: every pool thread is stuck in a blocking wait, and work queued
/// behind them waits too. To make that happen on purpose, and end on time, this
/// <list type="number">
/// <item>lowers the pool's maximum to the least it accepts (its minimum, at least one thread
/// per CPU), so the pool's starvation detection cannot add a thread to rescue it (it adds
/// one every ~0.5 s, up to the maximum);</item>
/// <item>queues one blocking wait per allowed thread, ahead of everything queued later, and
/// blocks the calling (pool) thread as well, all until the same deadline; pool threads above
/// the new maximum retire as soon as they finish what they run;</item>
/// <item>restores the maximum when the deadline passes. The queued waits then end at once,
/// the backlog runs, and the process serves normally again.</item>
/// </list>
/// Requests already past the thread pool when the block starts (their response being written)
/// still finish; nothing of this process starts or progresses afterwards until the deadline,
/// on any connection, new connections included (the kernel queues them on the listener). The
/// ClusterWorker heartbeat runs on the pool too and pauses, as a watchdog should see it;
/// the worker's control reader has its own thread and keeps working.
/// </remarks>
internal static class ThreadPoolStarvation
{
    private static readonly Lock Gate = new();

    /// <summary>Blocks the calling thread and every thread-pool thread for <paramref name="duration"/>.</summary>
    /// <param name="duration">How long nothing runs; the caller's thread returns after it.</param>
    /// <param name="blocked">Called once the block is in place, just before the calling thread waits too.</param>
    public static void Block(TimeSpan duration, Action? blocked = null)
    {
        // One block at a time: overlapping ones would save and restore each other's maximum.
        lock (Gate)
        {
            var deadline = DateTime.UtcNow + duration;
            ThreadPool.GetMaxThreads(out var maxWorkers, out var maxIo);
            ThreadPool.GetMinThreads(out var minWorkers, out _);
            var starved = Math.Max(minWorkers, Environment.ProcessorCount);
            if (!ThreadPool.SetMaxThreads(starved, maxIo))
            {
                throw new InvalidOperationException($"The thread pool refused a maximum of {starved} worker threads.");
            }
            try
            {
                for (var i = 0; i < starved; i++)
                {
                    ThreadPool.UnsafeQueueUserWorkItem(static d => SleepUntil(d), deadline, preferLocal: false);
                }
                blocked?.Invoke();
                SleepUntil(deadline);
            }
            finally
            {
                ThreadPool.SetMaxThreads(maxWorkers, maxIo);
            }
        }
    }

    private static void SleepUntil(DateTime deadline)
    {
        // Thread.Sleep, not Task.Wait: a blocking Task.Wait tells the pool a thread is blocked,
        // and the pool answers by adding threads (up to the maximum).
        var left = deadline - DateTime.UtcNow;
        if (left > TimeSpan.Zero)
        {
            Thread.Sleep(left);
        }
    }
}
