using ClusterHost.Primary.Balancing;
using Microsoft.Extensions.Logging;

namespace ClusterHost.Primary.Metrics;

/// <summary>
/// What an app's own prometheus-net metrics route (<c>app.MapMetrics()</c>, <c>UseMetricServer()</c>)
/// answers under the cluster, as Node's prom-client <c>AggregatorRegistry</c> does for a Node
/// cluster: every worker's prometheus-net families, merged with the <c>worker</c> label exactly as
/// on the primary's <c>/metrics</c>. A worker asks for it over the control channel when its app's
/// route is scraped.
/// </summary>
/// <remarks>
/// Scrapes that arrive while one is under way share it, so a client polling the app's route
/// hard costs the workers one export at a time, not one per request.
/// </remarks>
internal sealed class AppRegistryExposition(ClusterMetricsScraper scraper, IClusterFront front, TimeProvider time, ILogger<AppRegistryExposition> logger)
{
    private readonly Lock _gate = new();
    private Task<string>? _running;

    /// <summary>The merged exposition (Prometheus text format 0.0.4); the workers are waited for <see cref="ClusterMetricsScraper.WorkerTimeout"/> each.</summary>
    public Task<string> WriteAsync()
    {
        lock (_gate)
        {
            if (_running is { IsCompleted: false } running)
            {
                return running;
            }
            return _running = WriteCoreAsync();
        }
    }

    private async Task<string> WriteCoreAsync()
    {
        await Task.Yield(); // not under the caller's lock
        var started = time.GetTimestamp();
        var workers = await scraper.ScrapeAsync(ClusterMetricsScraper.WorkerTimeout, CancellationToken.None).ConfigureAwait(false);
        var frontSeries = (front as IFrontMetricsSource)?.CollectFrontMetrics() ?? [];
        var text = PrometheusTextWriter.Write(ClusterMetricsExposition.BuildAppRegistries(workers, frontSeries));
        Log.AppRegistryMerged(logger, workers.Count(w => w.Snapshot is not null), workers.Count, text.Length, (long)time.GetElapsedTime(started).TotalMilliseconds);
        return text;
    }
}
