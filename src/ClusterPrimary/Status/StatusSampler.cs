using ClusterHost.Metrics;
using ClusterHost.Primary.Metrics;
using ClusterHost.Primary.Platform;
using Microsoft.Extensions.Logging;

namespace ClusterHost.Primary.Status;

/// <summary>
/// Samples every worker for the status command and page: one bounded metrics scrape (requests,
/// p99, in-flight, responsiveness lag) plus /proc (RSS, CPU), turned into rates over the time
/// since the previous sample. Keeps each slot's last <see cref="HistoryLength"/> samples.
/// </summary>
/// <remarks>
/// A scrape asks every worker for all its metrics, so the sampler samples once per
/// <see cref="Interval"/> only while someone watches (the page or the status command read a
/// sample within <see cref="WatchWindow"/>) or a worker is new (fewer than two samples: no rate
/// yet), and once per <see cref="IdleInterval"/> otherwise, which keeps some history for the
/// page's charts.
/// </remarks>
internal sealed class StatusSampler(ClusterMetricsScraper scraper, TimeProvider time, ILogger<StatusSampler> logger)
{
    /// <summary>How often workers are sampled while watched: 1 s.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    /// <summary>How often workers are sampled while nobody watches: 10 s.</summary>
    public static readonly TimeSpan IdleInterval = TimeSpan.FromSeconds(10);

    /// <summary>How long a read of the samples counts as watching: 30 s.</summary>
    public static readonly TimeSpan WatchWindow = TimeSpan.FromSeconds(30);

    /// <summary>Samples kept per slot: 300, five minutes at <see cref="Interval"/>.</summary>
    public const int HistoryLength = 300;

    internal const string RequestDuration = "http.server.request.duration";
    internal const string ActiveRequests = "http.server.active_requests";
    internal const string CurrentLag = "clusterhost.worker.responsiveness.current_lag";

    private readonly Lock _gate = new();
    private readonly Dictionary<int, Track> _tracks = [];
    private long _lastWatched;
    private long _lastSampled;
    private bool _hasNewWorker = true;

    /// <summary>Samples until <paramref name="stoppingToken"/> is cancelled; a failed round is logged and the next one runs.</summary>
    public async Task RunAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        try
        {
            do
            {
                if (!IsDue())
                {
                    continue;
                }
                try
                {
                    await SampleAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    Log.StatusSampleFailed(logger, e);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>True when a round is due now: watched, a worker new, or <see cref="IdleInterval"/> since the last round.</summary>
    internal bool IsDue()
    {
        lock (_gate)
        {
            return _hasNewWorker
                || _lastSampled == 0
                || time.GetElapsedTime(_lastSampled) >= IdleInterval - TimeSpan.FromMilliseconds(1)
                || (_lastWatched != 0 && time.GetElapsedTime(_lastWatched) < WatchWindow);
        }
    }

    /// <summary>One round: every worker scraped (bounded by <see cref="ClusterMetricsScraper.WorkerTimeout"/>) and measured.</summary>
    internal async Task SampleAsync(CancellationToken cancellationToken)
    {
        var scrapes = await scraper.ScrapeAsync(ClusterMetricsScraper.WorkerTimeout, cancellationToken).ConfigureAwait(false);
        var now = time.GetTimestamp();
        var unixMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        lock (_gate)
        {
            _lastSampled = now;
            _hasNewWorker = false;
            foreach (var id in _tracks.Keys.Where(id => !scrapes.Any(s => s.WorkerId == id)).ToList())
            {
                _tracks.Remove(id); // the slot was removed
            }
            foreach (var scrape in scrapes)
            {
                if (!_tracks.TryGetValue(scrape.WorkerId, out var track))
                {
                    track = _tracks[scrape.WorkerId] = new Track();
                }
                if (scrape.Pid is { } pid)
                {
                    track.Add(Measure(track, pid, scrape.Snapshot, now, unixMs));
                    _hasNewWorker |= track.SamplesOfPid < 2;
                }
            }
        }
    }

    private WorkerSample Measure(Track track, int pid, WorkerMetricsSnapshot? snapshot, long now, long unixMs)
    {
        if (track.Pid != pid)
        {
            track.Reset(pid);
        }
        var seconds = track.Timestamp == 0 ? 0 : time.GetElapsedTime(track.Timestamp, now).TotalSeconds;
        var cpu = ProcessCpuTime.Read(pid);
        double? cpuPercent = cpu is { } used && track.Cpu is { } before && seconds > 0 ? Math.Max(0, (used - before).TotalSeconds / seconds * 100) : null;

        double? rps = null, p99 = null, inFlight = null, lag = null;
        if (snapshot is not null)
        {
            var family = snapshot.Families.FirstOrDefault(f => f.Name == RequestDuration);
            var (count, bounds, buckets) = Totals(family);
            if (track.Buckets is { } previous && buckets is not null && previous.Length == buckets.Length && seconds > 0)
            {
                rps = Math.Max(0, count - track.Count) / seconds;
                p99 = Quantile(0.99, bounds!, [.. buckets.Select((b, i) => Math.Max(0, b - previous[i]))]);
            }
            if (buckets is not null)
            {
                track.Count = count;
                track.Buckets = buckets;
            }
            else if (buckets is null && seconds > 0)
            {
                rps = 0; // no request yet: the instrument appears with the first
            }
            inFlight = Sum(snapshot, ActiveRequests) ?? 0;
            lag = Sum(snapshot, CurrentLag);
        }
        track.Timestamp = now;
        track.Cpu = cpu ?? track.Cpu;
        return new WorkerSample(unixMs, pid, rps, p99, ProcessInfo.ResidentBytes(pid), cpuPercent, inFlight, lag);
    }

    private static double? Sum(WorkerMetricsSnapshot snapshot, string name) =>
        snapshot.Families.FirstOrDefault(f => f.Name == name) is { Points.Count: > 0 } family ? family.Points.Sum(p => p.Value) : null;

    // Every series of the duration histogram added up: total count and bucket counts.
    private static (long Count, IReadOnlyList<double>? Bounds, long[]? Buckets) Totals(MetricFamilySnapshot? family)
    {
        if (family?.Bounds is not { } bounds)
        {
            return (0, null, null);
        }
        var buckets = new long[bounds.Count + 1];
        long count = 0;
        foreach (var point in family.Points)
        {
            if (point.BucketCounts is { } counts && counts.Count == buckets.Length)
            {
                for (var i = 0; i < buckets.Length; i++)
                {
                    buckets[i] += counts[i];
                }
                count += counts.Sum();
            }
        }
        return (count, bounds, buckets);
    }

    /// <summary>
    /// The <paramref name="q"/> quantile of a histogram (bucket counts, not cumulative), linearly
    /// interpolated within its bucket as Prometheus's <c>histogram_quantile</c> does; the +Inf bucket
    /// answers its lower bound. Null when the histogram is empty.
    /// </summary>
    internal static double? Quantile(double q, IReadOnlyList<double> bounds, IReadOnlyList<long> buckets)
    {
        var total = buckets.Sum();
        if (total == 0)
        {
            return null;
        }
        var rank = q * total;
        long cumulative = 0;
        for (var i = 0; i < buckets.Count; i++)
        {
            if (cumulative + buckets[i] >= rank && buckets[i] > 0)
            {
                if (i == bounds.Count)
                {
                    return bounds.Count == 0 ? null : bounds[^1];
                }
                var lower = i == 0 ? 0 : bounds[i - 1];
                return lower + (bounds[i] - lower) * (rank - cumulative) / buckets[i];
            }
            cumulative += buckets[i];
        }
        return bounds.Count == 0 ? null : bounds[^1];
    }

    /// <summary>The latest sample of slot <paramref name="workerId"/>, if it is of <paramref name="pid"/>.</summary>
    public WorkerSample? Latest(int workerId, int pid)
    {
        lock (_gate)
        {
            _lastWatched = time.GetTimestamp();
            return _tracks.TryGetValue(workerId, out var track) && track.Latest is { } latest && latest.Pid == pid ? latest : null;
        }
    }

    /// <summary>Every slot's samples newer than <paramref name="sinceUnixMilliseconds"/>, oldest first.</summary>
    public IReadOnlyList<WorkerHistory> History(long sinceUnixMilliseconds)
    {
        lock (_gate)
        {
            _lastWatched = time.GetTimestamp();
            return [.. _tracks.OrderBy(t => t.Key).Select(t => new WorkerHistory(t.Key, [.. t.Value.Samples
                .Where(s => s.UnixMilliseconds > sinceUnixMilliseconds)
                .Select(s => new double?[] { s.UnixMilliseconds, s.RequestsPerSecond, s.P99Seconds, s.RssBytes, s.CpuPercent })]))];
        }
    }

    // One slot's running totals and history; under _gate.
    private sealed class Track
    {
        public int Pid;
        public long Timestamp;
        public TimeSpan? Cpu;
        public long Count;
        public long[]? Buckets;
        public WorkerSample? Latest;
        public int SamplesOfPid;
        public readonly Queue<WorkerSample> Samples = new();

        public void Reset(int pid)
        {
            Pid = pid;
            SamplesOfPid = 0;
            Timestamp = 0;
            Cpu = null;
            Count = 0;
            Buckets = null;
        }

        public void Add(WorkerSample sample)
        {
            Latest = sample;
            SamplesOfPid++;
            if (Samples.Count == HistoryLength)
            {
                Samples.Dequeue();
            }
            Samples.Enqueue(sample);
        }
    }
}
