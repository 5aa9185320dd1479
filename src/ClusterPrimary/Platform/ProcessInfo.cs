using System.Globalization;

namespace ClusterHost.Primary.Platform;

/// <summary>What /proc says about a process.</summary>
internal static class ProcessInfo
{
    private static readonly long PageSize = Environment.SystemPageSize;

    /// <summary>Resident set size in bytes (from /proc/PID/statm), or null if the process is gone.</summary>
    public static long? ResidentBytes(int pid)
    {
        try
        {
            var fields = File.ReadAllText($"/proc/{pid}/statm").Split(' ');
            return long.Parse(fields[1], CultureInfo.InvariantCulture) * PageSize;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    /// <summary>The one-letter state of a process or thread (R, S, D, T, Z ...), or '?'.</summary>
    public static char State(string statPath)
    {
        try
        {
            var stat = File.ReadAllText(statPath);
            return stat[stat.LastIndexOf(')') + 2];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or IndexOutOfRangeException)
        {
            return '?';
        }
    }

    /// <summary>Every thread of a process: OS thread id, name (comm) and state.</summary>
    public static IReadOnlyList<(int Tid, string Name, char State)> Threads(int pid)
    {
        var threads = new List<(int, string, char)>();
        try
        {
            foreach (var dir in Directory.EnumerateDirectories($"/proc/{pid}/task"))
            {
                if (int.TryParse(Path.GetFileName(dir), out var tid))
                {
                    string name;
                    try
                    {
                        name = File.ReadAllText(Path.Combine(dir, "comm")).TrimEnd('\n');
                    }
                    catch (IOException)
                    {
                        name = "?";
                    }
                    threads.Add((tid, name, State(Path.Combine(dir, "stat"))));
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Gone.
        }
        return threads;
    }
}
