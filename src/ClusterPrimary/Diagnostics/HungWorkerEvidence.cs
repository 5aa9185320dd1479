using System.Globalization;
using System.Text;
using ClusterHost.Primary.Platform;
using Microsoft.Diagnostics.Runtime;

namespace ClusterHost.Primary.Diagnostics;

/// <summary>
/// Writes what a hung worker was doing before it is killed: every thread's name and state from
/// /proc, and every managed thread's stack read with ClrMD (Microsoft.Diagnostics.Runtime).
/// </summary>
/// <remarks>
/// ClrMD reads the target's memory from outside, the way a debugger does, so it works on a worker
/// whose runtime cannot answer: a starved thread pool, a deadlock, or a process stopped with
/// SIGSTOP (the runtime's own diagnostics server, used by dotnet-stack, would not answer there).
/// The caller stops the worker first, so the stacks are consistent. ClrMD loads the runtime's
/// DAC, which brings its own PAL and signal handlers, so this never runs inside the primary: the
/// primary runs itself as a short-lived child (<see cref="StackCaptureCommand"/>).
/// </remarks>
internal static class HungWorkerEvidence
{
    private const int MaxFramesPerThread = 64;

    /// <summary>Writes the evidence file and returns its path.</summary>
    public static string PathFor(string directory, int workerId, int pid, DateTimeOffset now) => Path.Combine(directory,
        string.Create(CultureInfo.InvariantCulture, $"hung-worker-{workerId}-pid{pid}-{now:yyyyMMdd'T'HHmmss'Z'}.txt"));

    /// <summary>Writes the evidence file at <paramref name="path"/>; managed stacks only when <paramref name="managedStacks"/>.</summary>
    public static void Write(string path, int workerId, int pid, string why, DateTimeOffset now, bool managedStacks, string? managedStacksUnavailable = null)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"ClusterHost: hung worker {workerId} (pid {pid}), captured {now:O}");
        text.AppendLine(CultureInfo.InvariantCulture, $"Why: {why}");
        text.AppendLine();

        var threads = ProcessInfo.Threads(pid);
        var names = threads.ToDictionary(t => t.Tid, t => t.Name);
        text.AppendLine(CultureInfo.InvariantCulture, $"Threads ({threads.Count}), from /proc/{pid}/task: tid, state, name");
        foreach (var (tid, name, state) in threads.OrderBy(t => t.Tid))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  {tid,8} {state} {name}");
        }
        text.AppendLine();

        if (!managedStacks)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"Managed stacks unavailable: {managedStacksUnavailable}");
        }
        else
        {
            try
            {
                AppendManagedStacks(text, pid, names);
            }
            catch (Exception e)
            {
                // The /proc part above is still worth keeping.
                text.AppendLine(CultureInfo.InvariantCulture, $"Managed stacks unavailable: {e.GetType().Name}: {e.Message}");
            }
        }
        File.WriteAllText(path, text.ToString());
    }

    private static void AppendManagedStacks(StringBuilder text, int pid, IReadOnlyDictionary<int, string> names)
    {
        using var target = DataTarget.AttachToProcess(pid, suspend: false);
        var clr = target.ClrVersions.FirstOrDefault()
            ?? throw new InvalidOperationException("no .NET runtime found in the process");
        using var runtime = clr.CreateRuntime();
        text.AppendLine(CultureInfo.InvariantCulture, $"Managed threads (.NET {clr.Version}), innermost frame first:");
        foreach (var thread in runtime.Threads.Where(t => t.IsAlive))
        {
            var tid = (int)thread.OSThreadId;
            text.AppendLine();
            text.AppendLine(CultureInfo.InvariantCulture,
                $"Thread {thread.ManagedThreadId} (tid {tid}, \"{names.GetValueOrDefault(tid, "?")}\"){(thread.IsFinalizer ? " finalizer" : "")}");
            var frames = 0;
            foreach (var frame in thread.EnumerateStackTrace())
            {
                if (frames++ == MaxFramesPerThread)
                {
                    text.AppendLine("    ...");
                    break;
                }
                var name = frame.Method?.Signature ?? (frame.FrameName is { } frameName ? $"[{frameName}]" : null);
                if (name is not null)
                {
                    text.AppendLine(CultureInfo.InvariantCulture, $"    at {name}");
                }
            }
        }
    }
}
