using ClusterHost.Primary.Balancing;
using ClusterHost.Primary.Configuration;
using ClusterHost.Primary.Events;
using ClusterHost.Primary.Metrics;
using ClusterHost.Primary.Supervision;
using ClusterHost.Primary.Supervision.Standby;
using ClusterHost.Text;

namespace ClusterHost.Primary.Status;

/// <summary>
/// Builds a <see cref="ClusterStatus"/>: the slots' states, pids and restart counts as they are at
/// this moment (what <c>/metrics</c> reports), with the latest <see cref="StatusSampler"/> sample of
/// each worker and, when asked, the recent events.
/// </summary>
// metricsUrls is a function: the metrics server serves the status page, which reads its URLs.
internal sealed class ClusterStatusSource(
    ClusterHostConfig config,
    WorkerSlots slots,
    IClusterFront front,
    Func<IReadOnlyList<string>> metricsUrls,
    StatusSampler sampler,
    ClusterEventLog events,
    TimeProvider time,
    StandbyPool? standbys = null)
{
    private readonly DateTimeOffset _startedAt = time.GetUtcNow();

    /// <summary>The control socket's path once it listens; set by the operator server.</summary>
    public string? ControlSocket { get; set; }

    public ClusterStatus Build(bool withEvents)
    {
        var workers = slots.Current.Select(BuildWorker).ToList();
        return new ClusterStatus
        {
            Time = time.GetUtcNow(),
            PrimaryPid = Environment.ProcessId,
            StartedAt = _startedAt,
            Mode = EnumNames<BalancingMode>.ToName(front.Mode),
            Urls = front.Urls,
            MetricsUrls = metricsUrls(),
            StatusUrls = [.. metricsUrls().Select(u => u[..^MetricsServer.Path.Length] + StatusPage.Path)],
            ControlSocket = ControlSocket,
            AppPath = config.AppPath,
            AppVersion = workers.Select(w => w.AppVersion).FirstOrDefault(v => v is not null),
            WorkingDirectory = config.WorkingDirectory,
            Workers = workers,
            Standbys = BuildStandbys(),
            Events = withEvents ? [.. events.Recent().Select(ToStatusEvent)] : null,
        };
    }

    private StandbyStatus? BuildStandbys()
    {
        if (standbys?.Counts is not { } counts)
        {
            return null;
        }
        return new StandbyStatus
        {
            Configured = config.Standby,
            Warm = counts.Warm,
            Warming = counts.Warming,
            Taken = counts.Taken,
            Discarded = counts.Discarded,
            Failed = counts.Failed,
        };
    }

    /// <summary>The events after <paramref name="afterSequence"/>, oldest first.</summary>
    public IReadOnlyList<StatusEvent> Events(long afterSequence) => [.. events.Recent(afterSequence).Select(ToStatusEvent)];

    private WorkerStatus BuildWorker(WorkerSlot slot)
    {
        var state = slot.State;
        var process = slot.Current is { Exited.IsCompleted: false } live ? live : null;
        var sample = process is null ? null : sampler.Latest(slot.Id, process.Pid);
        var lastExit = events.LastExit(slot.Id);
        return new WorkerStatus
        {
            Id = slot.Id,
            Pid = process?.Pid,
            State = EnumNames<WorkerSlotState>.ToName(state),
            UptimeSeconds = process is null ? null : Math.Round(time.GetElapsedTime(slot.CurrentStartedAt).TotalSeconds, 1),
            Restarts = slot.Restarts,
            Exits = Enum.GetValues<WorkerExitReason>().ToDictionary(EnumNames<WorkerExitReason>.ToName, r => slot.Exits.GetValueOrDefault(r)),
            Requests = process?.Requests,
            InFlight = sample?.InFlight,
            RequestsPerSecond = sample?.RequestsPerSecond is { } rps ? Math.Round(rps, 1) : null,
            P99Seconds = sample?.P99Seconds is { } p99 ? Math.Round(p99, 6) : null,
            RssBytes = sample?.RssBytes ?? (process is null ? null : Platform.ProcessInfo.ResidentBytes(process.Pid)),
            CpuPercent = sample?.CpuPercent is { } cpu ? Math.Round(cpu, 1) : null,
            LagSeconds = sample?.LagSeconds is { } lag ? Math.Round(lag, 6) : null,
            AppVersion = (process as IWorkerMetricsSource)?.AppVersion,
            LastExit = lastExit is null ? null : new StatusExit(lastExit.Time, lastExit.Message, lastExit.Pid),
        };
    }

    private static StatusEvent ToStatusEvent(ClusterEvent e) =>
        new(e.Sequence, e.Time, EnumNames<ClusterEventKind>.ToName(e.Kind), e.Message, e.WorkerId, e.Pid);
}
