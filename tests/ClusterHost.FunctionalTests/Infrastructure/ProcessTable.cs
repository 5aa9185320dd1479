using System.Globalization;

namespace ClusterHost.FunctionalTests.Infrastructure;

/// <summary>Reads /proc: which processes live, their parents, state and CPU time.</summary>
internal static class ProcessTable
{
    /// <summary>True while the process exists and is not a zombie.</summary>
    public static bool IsAlive(int pid) => State(pid) is { } state && state != 'Z' && state != 'X';

    /// <summary>The one-letter state (R, S, Z ...), or null if there is no such process.</summary>
    public static char? State(int pid) => ReadStat(pid) is { } fields ? fields[0][0] : null;

    /// <summary>
    /// True once every thread of the process is stopped (state T). kill(SIGSTOP) returns before
    /// that: one thread takes the signal and stops the others, so on a busy machine another thread
    /// can still run for a few milliseconds.
    /// </summary>
    public static bool IsStopped(int pid)
    {
        try
        {
            var threads = Directory.GetDirectories($"/proc/{pid}/task");
            return threads.Length > 0 && threads.All(thread =>
            {
                var stat = File.ReadAllText(Path.Combine(thread, "stat"));
                return stat[(stat.LastIndexOf(')') + 2)..].StartsWith('T');
            });
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    public static int? ParentPid(int pid) =>
        ReadStat(pid) is { } fields ? int.Parse(fields[1], CultureInfo.InvariantCulture) : null;

    /// <summary>User + system CPU time of the process itself, in clock ticks (1/100 s).</summary>
    public static long? CpuTicks(int pid) =>
        ReadStat(pid) is { } fields
            ? long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)
            : null;

    public static string CommandLine(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');
        }
        catch (IOException)
        {
            return "";
        }
    }

    /// <summary>Every live descendant of <paramref name="root"/>.</summary>
    public static IReadOnlyList<int> Descendants(int root)
    {
        var children = new Dictionary<int, List<int>>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), out var pid) && ParentPid(pid) is { } parent)
            {
                (children.TryGetValue(parent, out var list) ? list : children[parent] = []).Add(pid);
            }
        }
        var result = new List<int>();
        var queue = new Queue<int>([root]);
        while (queue.TryDequeue(out var pid))
        {
            foreach (var child in children.GetValueOrDefault(pid, []))
            {
                result.Add(child);
                queue.Enqueue(child);
            }
        }
        return result;
    }

    // Fields after "pid (comm) ": state is [0], ppid [1], utime [11], stime [12].
    private static string[]? ReadStat(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
