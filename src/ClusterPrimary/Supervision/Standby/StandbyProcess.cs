using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace ClusterHost.Primary.Supervision.Standby;

/// <summary>
/// A process started as a worker would be, but with only the environment every worker shares and
/// <c>CLUSTERHOST_STANDBY=1</c>: the startup hook starts the runtime, warms ASP.NET Core on a
/// throw-away host, and waits on stdin, before the app's <c>Main</c>, for the rest of a worker's
/// environment (<see cref="Assign"/>). Until then none of the app's code runs. If the primary dies,
/// the standby reads the end of its stdin and exits.
/// </summary>
internal sealed class StandbyProcess
{
    private StandbyProcess(ChildProcess process, WorkerOutputForwarder output, IReadOnlyDictionary<string, string?> environment, AppFileStamp appFiles, long startedAt)
    {
        Process = process;
        Output = output;
        Environment = environment;
        AppFiles = appFiles;
        StartedAt = startedAt;
    }

    public ChildProcess Process { get; }

    public int Pid => Process.Pid;

    /// <summary>Its output, labelled <c>[standby]</c> until it takes a slot.</summary>
    public WorkerOutputForwarder Output { get; }

    /// <summary>The environment it was started with.</summary>
    public IReadOnlyDictionary<string, string?> Environment { get; }

    /// <summary>The app's files when it started.</summary>
    public AppFileStamp AppFiles { get; }

    /// <summary>Timestamp (<see cref="TimeProvider.GetTimestamp"/>) of its start.</summary>
    public long StartedAt { get; }

    /// <summary>It has said it is warm: it waits for a slot, and takes one at once.</summary>
    public bool IsWarm => _warm;

    private volatile bool _warm;

    /// <summary>
    /// Starts a standby with <paramref name="startInfo"/>, whose environment is set already;
    /// <paramref name="onWarm"/> runs once it says it is warm.
    /// </summary>
    public static StandbyProcess Start(
        ProcessStartInfo startInfo, AppFileStamp appFiles, long startedAt, OutputSink output, OutputSink error, Action onExited, Action<StandbyProcess> onWarm)
    {
        var forwarder = new WorkerOutputForwarder(WorkerOutputForwarder.StandbyLabel, output, error, TimeProvider.System);
        StandbyProcess? standby = null;
        forwarder.WatchForStandbyWarm(() =>
        {
            if (standby is not null)
            {
                standby._warm = true;
                onWarm(standby);
            }
        });
        var environment = new Dictionary<string, string?>(startInfo.Environment, StringComparer.Ordinal);
        var process = ChildProcess.Start(startInfo, forwarder.PumpOutputAsync, forwarder.PumpErrorAsync, onExited, keepInput: true);
        standby = new StandbyProcess(process, forwarder, environment, appFiles, startedAt);
        return standby;
    }

    /// <summary>
    /// Sends the standby its slot: <paramref name="changes"/> (a value to set, null to remove) as
    /// one JSON line on its stdin, which it applies before the app's <c>Main</c> runs. False if it
    /// is gone.
    /// </summary>
    public bool Assign(IReadOnlyDictionary<string, string?> changes) => Process.SendAndCloseInput(Serialize(changes));

    internal static string Serialize(IReadOnlyDictionary<string, string?> changes)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (name, value) in changes)
            {
                if (value is null)
                {
                    writer.WriteNull(name);
                }
                else
                {
                    writer.WriteString(name, value);
                }
            }
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
