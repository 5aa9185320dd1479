using ClusterHost.Metrics;
using ClusterHost.Primary.Balancing;
using ClusterHost.Primary.Configuration;
using ClusterHost.Primary.Metrics;
using ClusterHost.Primary.Supervision;
using ClusterHost.Primary.Tests.TestUtilities;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace ClusterHost.Primary.Tests.Metrics;

public sealed class ClusterMetricsScraperTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly MetricsWorkerLauncher _launcher = new();

    [Fact]
    public async Task SilentWorker_DelaysTheScrapeByTheBoundOnly_AndIsReportedNotUp()
    {
        var slots = await StartSlotsAsync(2);
        _launcher.Processes[0].Answer = Task.FromResult<WorkerMetricsSnapshot?>(new WorkerMetricsSnapshot { AppVersion = "1" });
        _launcher.Processes[1].Answer = new TaskCompletionSource<WorkerMetricsSnapshot?>().Task; // never answers
        var scraper = new ClusterMetricsScraper(() => slots, _time, NullLogger<ClusterMetricsScraper>.Instance);

        // The per-worker bounds are armed before ScrapeAsync returns; a due one fires inside Advance.
        var scrape = scraper.ScrapeAsync(TimeSpan.FromSeconds(1), CancellationToken.None);
        Assert.False(scrape.IsCompleted);
        _time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.False(scrape.IsCompleted);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        var workers = await scrape.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.NotNull(workers[0].Snapshot);
        Assert.Equal(TimeSpan.Zero, workers[0].Duration);
        Assert.Null(workers[1].Snapshot);
        Assert.Equal(TimeSpan.FromSeconds(1), workers[1].Duration);
        Assert.Equal([1000, 1001], workers.Select(w => w.Pid ?? 0));
    }

    [Fact]
    public async Task ExitedWorker_IsNotAsked()
    {
        var slots = await StartSlotsAsync(1);
        var process = _launcher.Processes[0];
        process.Exit(1);
        await slots[0].WaitUntilAsync(() => slots[0].Exits.ContainsKey(WorkerExitReason.Crash), "the crash counted");
        var scraper = new ClusterMetricsScraper(() => slots, _time, NullLogger<ClusterMetricsScraper>.Instance);

        var worker = Assert.Single(await scraper.ScrapeAsync(TimeSpan.FromSeconds(1), CancellationToken.None));

        Assert.Null(worker.Snapshot);
        Assert.Equal(0, process.MetricsRequests);
        Assert.Equal(1, worker.Exits[WorkerExitReason.Crash]);
    }

    private async Task<WorkerSlot[]> StartSlotsAsync(int count)
    {
        var config = new ClusterHostConfig
        {
            Workers = count,
            Urls = [],
            Mode = BalancingMode.ReusePort,
            AppPath = "/app.dll",
            ShutdownTimeout = TimeSpan.FromSeconds(30),
            StartTimeout = TimeSpan.FromSeconds(30),
            MaxRestarts = 5,
        };
        var slots = Enumerable.Range(0, count).Select(id => new WorkerSlot(id, _launcher, new NullFront(), config, _time, NullLogger.Instance)).ToArray();
        foreach (var slot in slots)
        {
            _ = slot.RunAsync();
        }
        foreach (var slot in slots)
        {
            await slot.WaitForStateAsync(WorkerSlotState.Ready);
        }
        Assert.Equal(count, _launcher.Processes.Count);
        return slots;
    }

    private sealed class MetricsWorkerLauncher : IWorkerLauncher
    {
        private readonly List<MetricsWorkerProcess> _processes = [];

        public IReadOnlyList<MetricsWorkerProcess> Processes
        {
            get
            {
                lock (_processes)
                {
                    return [.. _processes];
                }
            }
        }

        public IWorkerProcess Launch(WorkerInstance instance)
        {
            lock (_processes)
            {
                var process = new MetricsWorkerProcess(instance, 1000 + _processes.Count);
                _processes.Add(process);
                return process;
            }
        }
    }

    private sealed class MetricsWorkerProcess(WorkerInstance instance, int pid) : IWorkerProcess, IWorkerMetricsSource
    {
        private readonly TaskCompletionSource<int> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<WorkerMetricsSnapshot?> Answer { get; set; } = Task.FromResult<WorkerMetricsSnapshot?>(null);
        public int MetricsRequests { get; private set; }
        public WorkerInstance Instance => instance;
        public long LastHeartbeat => 0;
        public long Requests => 0;
        public WorkerExitReason? EndedBecause { get; set; }
        public int Pid => pid;
        public Task Ready => Task.CompletedTask;
        public Task<int> Exited => _exited.Task;
        public string? FatalError => null;
        public string? AppVersion => "1";
        public DateTimeOffset? StartTime => DateTimeOffset.UnixEpoch;

        public Task<WorkerMetricsSnapshot?> RequestMetricsAsync()
        {
            MetricsRequests++;
            return Answer;
        }

        public void Exit(int code) => _exited.TrySetResult(code);
        public void RequestDrain(TimeSpan timeout) => Exit(0);
        public void Kill() => Exit(137);
    }

    private sealed class NullFront : IClusterFront
    {
        public BalancingMode Mode => BalancingMode.ReusePort;
        public IReadOnlyList<string> Urls => [];
        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public void ConfigureWorker(WorkerInstance instance, IDictionary<string, string?> environment) { }
        public void WorkerReady(WorkerInstance instance) { }
        public void WorkerLeaving(WorkerInstance instance) { }
        public Task StopAcceptingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
