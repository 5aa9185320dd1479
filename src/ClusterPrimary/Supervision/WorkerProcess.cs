using System.Diagnostics;
using ClusterHost.Metrics;
using ClusterHost.Primary.Control;
using ClusterHost.Primary.Metrics;

namespace ClusterHost.Primary.Supervision;

/// <summary>
/// One launched worker: its OS process (<see cref="ChildProcess"/>), its output forwarded with a
/// <c>[worker N]</c> prefix (<see cref="WorkerOutputForwarder"/>), and its end of the control
/// channel (<see cref="WorkerControlEndpoint"/>), which carries readiness, heartbeats, drains and
/// metrics.
/// </summary>
internal sealed class WorkerProcess : IWorkerProcess, IWorkerMetricsSource
{
    private readonly ChildProcess _process;
    private readonly DateTimeOffset? _tookSlotAt;

    private WorkerProcess(WorkerInstance instance, WorkerControlEndpoint control, ChildProcess process, DateTimeOffset? tookSlotAt = null)
    {
        Instance = instance;
        Control = control;
        _process = process;
        _tookSlotAt = tookSlotAt;
    }

    public WorkerInstance Instance { get; }

    /// <summary>This launch's end of the control channel, for the <see cref="ControlServer"/> to attach.</summary>
    public WorkerControlEndpoint Control { get; }

    public int Pid => _process.Pid;

    public Task Ready => Control.Ready;

    public Task<int> Exited => _process.Exited;

    public string? FatalError => Control.FatalError;

    public long LastHeartbeat => Control.LastHeartbeat;

    public long Requests => Control.Requests;

    public WorkerExitReason? EndedBecause { get; set; }

    public string? AppVersion => Control.AppVersion;

    /// <summary>When the process started; for a standby, when it took the slot (its uptime as a worker).</summary>
    public DateTimeOffset? StartTime => _tookSlotAt is { } took && !Exited.IsCompleted ? took : _process.StartTime;

    /// <summary>Starts the process; its hello must present <paramref name="token"/>.</summary>
    public static WorkerProcess Start(WorkerInstance instance, string token, ProcessStartInfo startInfo, OutputSink output, OutputSink error)
    {
        var forwarder = new WorkerOutputForwarder(instance.WorkerId, output, error);
        ChildProcess? process = null;
        // A drain that cannot be sent means the channel broke: end the process the hard way.
        var control = new WorkerControlEndpoint(token, onDrainUndeliverable: () => process?.Kill());
        // The endpoint closes once the exit is known, so whoever wakes because Ready was
        // cancelled already sees the exit (and does not take a crash for a slow start).
        process = ChildProcess.Start(startInfo, forwarder.PumpOutputAsync, forwarder.PumpErrorAsync, onExited: control.Close);
        return new WorkerProcess(instance, control, process);
    }

    /// <summary>
    /// Makes <paramref name="standby"/> the worker of <paramref name="instance"/>: its output is
    /// labelled with the slot and its exit closes this launch's control channel. The caller then
    /// registers the channel and sends the standby its slot (<see cref="Standby.StandbyProcess.Assign"/>).
    /// </summary>
    public static WorkerProcess Adopt(WorkerInstance instance, string token, Standby.StandbyProcess standby)
    {
        var process = standby.Process;
        var control = new WorkerControlEndpoint(token, onDrainUndeliverable: process.Kill);
        standby.Output.Relabel(instance.WorkerId);
        process.SetExitHandler(control.Close);
        return new WorkerProcess(instance, control, process, DateTimeOffset.UtcNow);
    }

    public void RequestDrain(TimeSpan timeout) => Control.RequestDrain(timeout);

    public Task<WorkerMetricsSnapshot?> RequestMetricsAsync() => Control.RequestMetricsAsync();

    public void Kill() => _process.Kill();
}
