using ClusterHost.Metrics;
using ClusterHost.Primary.Supervision;
using Microsoft.Extensions.Logging;

namespace ClusterHost.Primary.Metrics;

/// <summary>
/// Asks every running worker for its metrics in parallel, each wait bounded, so one stopped or
/// hung worker delays a scrape by at most the bound and fails nothing: its slot is reported not up.
/// </summary>
/// <param name="slots">The slots now; called at every scrape, since scaling adds and removes slots.</param>
/// <param name="time">Clock for the per-worker bound.</param>
/// <param name="logger">Logs workers that do not answer.</param>
internal sealed class ClusterMetricsScraper(Func<IReadOnlyList<WorkerSlot>> slots, TimeProvider time, ILogger<ClusterMetricsScraper> logger)
{
    /// <summary>The longest a scrape waits for a worker: 1 s.</summary>
    public static readonly TimeSpan WorkerTimeout = TimeSpan.FromSeconds(1);

    /// <param name="timeout">How long to wait for each worker (they are asked at the same time).</param>
    /// <param name="cancellationToken">Cancels the scrape (the client went away).</param>
    public async Task<IReadOnlyList<WorkerScrape>> ScrapeAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        await Task.WhenAll(slots().Select(slot => ScrapeSlotAsync(slot, timeout, cancellationToken))).ConfigureAwait(false);

    private async Task<WorkerScrape> ScrapeSlotAsync(WorkerSlot slot, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var state = slot.State;
        var scrape = new WorkerScrape { WorkerId = slot.Id, State = state, Exits = slot.Exits };
        if (slot.Current is not { Exited.IsCompleted: false } process)
        {
            return scrape;
        }
        scrape = scrape with { Pid = process.Pid };
        if (process is not IWorkerMetricsSource source)
        {
            return scrape;
        }

        var started = time.GetTimestamp();
        WorkerMetricsSnapshot? snapshot;
        try
        {
            snapshot = await source.RequestMetricsAsync().WaitAsync(timeout, time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            Log.WorkerScrapeTimedOut(logger, slot.Id, process.Pid, timeout);
            snapshot = null;
        }
        return scrape with
        {
            Snapshot = snapshot,
            Duration = time.GetElapsedTime(started),
            StartTime = source.StartTime,
            AppVersion = source.AppVersion,
        };
    }
}
