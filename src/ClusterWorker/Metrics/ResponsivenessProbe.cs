using System.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;

namespace ClusterHost.Worker.Metrics;

/// <summary>
/// The .NET analogue of Node's event-loop lag: every <see cref="Interval"/> a dedicated thread
/// queues a work item to the thread pool's global queue, the way Kestrel queues a request, and
/// measures how late it starts. A starved or blocked pool shows as a growing lag.
/// </summary>
/// <remarks>
/// Two instruments on the <see cref="MeterName"/> meter:
/// <c>clusterhost.worker.responsiveness.lag</c>, a histogram of each probe's delay; and
/// <c>clusterhost.worker.responsiveness.current_lag</c>, a gauge of the latest delay or, while a
/// probe is still waiting to run, how long it has waited so far. The histogram only learns of a
/// delay once the probe runs; the gauge shows a pool that is stuck right now.
/// </remarks>
internal sealed class ResponsivenessProbe : IHostedService, IDisposable
{
    /// <summary>The meter of ClusterHost's own worker instruments.</summary>
    public const string MeterName = "ClusterHost.Worker";

    /// <summary>How often the thread pool is probed: 100 ms.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    /// <summary>Buckets of the lag histogram, 0.5 ms to 10 s.</summary>
    internal static readonly double[] LagBounds = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly TimeProvider _time;
    private readonly TimeSpan _interval;
    private readonly Histogram<double> _lag;
    private readonly ManualResetEventSlim _stopping = new();
    private readonly AutoResetEvent _probeDone = new(false);
    private readonly WaitCallback _probe;
    private readonly Action<WaitCallback> _queue;
    private long _pendingSince;
    private long _lastLagTicks;
    private Thread? _thread;

    public ResponsivenessProbe(IMeterFactory meterFactory, TimeProvider time)
        : this(meterFactory, time, Interval)
    {
    }

    /// <param name="meterFactory">Creates the <see cref="MeterName"/> meter.</param>
    /// <param name="time">Measures the lag.</param>
    /// <param name="interval">The wait between one probe's start and the next probe.</param>
    /// <param name="queue">Queues a probe; the thread pool's global queue unless a test stands in for it.</param>
    internal ResponsivenessProbe(IMeterFactory meterFactory, TimeProvider time, TimeSpan interval, Action<WaitCallback>? queue = null)
    {
        _time = time;
        _interval = interval;
        _queue = queue ?? QueueToThreadPool;
        var meter = meterFactory.Create(MeterName);
        _lag = meter.CreateHistogram<double>(
            "clusterhost.worker.responsiveness.lag",
            unit: "s",
            description: "How late a work item queued to the thread pool started (the .NET analogue of Node's event-loop lag), probed every 100 ms."
#if NET9_0_OR_GREATER
            , advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LagBounds }
#endif
            );
        meter.CreateObservableGauge(
            "clusterhost.worker.responsiveness.current_lag",
            () => CurrentLag.TotalSeconds,
            unit: "s",
            description: "The latest thread-pool probe's delay or, while a probe waits to start, how long it has waited so far.");
        _probe = _ => OnProbeRun();
    }

    /// <summary>The latest probe's delay, or the wait so far of the probe still queued if that is longer.</summary>
    public TimeSpan CurrentLag
    {
        get
        {
            var last = TimeSpan.FromTicks(Interlocked.Read(ref _lastLagTicks));
            var pendingSince = Interlocked.Read(ref _pendingSince);
            if (pendingSince == 0)
            {
                return last;
            }
            var waiting = _time.GetElapsedTime(pendingSince);
            return waiting > last ? waiting : last;
        }
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _thread = new Thread(Run) { IsBackground = true, Name = "ClusterWorker responsiveness probe" };
        _thread.Start();
        return Task.CompletedTask;
    }

    private void Run()
    {
        while (!_stopping.Wait(_interval))
        {
            Interlocked.Exchange(ref _pendingSince, _time.GetTimestamp());
            _queue(_probe);
            // One probe at a time: a stuck pool gets one queued item from us, not one per interval.
            WaitHandle.WaitAny([_probeDone, _stopping.WaitHandle]);
        }
    }

    // The global queue, where Kestrel's work waits too (a WaitCallback never goes to a local queue).
    private static void QueueToThreadPool(WaitCallback callback) => ThreadPool.UnsafeQueueUserWorkItem(callback, null);

    private void OnProbeRun()
    {
        var lag = _time.GetElapsedTime(Interlocked.Read(ref _pendingSince));
        Interlocked.Exchange(ref _lastLagTicks, lag.Ticks);
        Interlocked.Exchange(ref _pendingSince, 0);
        _lag.Record(lag.TotalSeconds);
        _probeDone.Set();
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _stopping.Set();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _stopping.Set();
        // Not disposed: a probe still queued in a stuck pool may set them when it finally runs.
        _thread?.Join(TimeSpan.FromSeconds(1));
    }
}
