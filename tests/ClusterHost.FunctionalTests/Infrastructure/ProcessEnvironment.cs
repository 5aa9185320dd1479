namespace ClusterHost.FunctionalTests.Infrastructure;

/// <summary>What a running process was started with, read from /proc.</summary>
internal static class ProcessEnvironment
{
    /// <summary>The variables <paramref name="pid"/> started with (/proc/PID/environ).</summary>
    public static Dictionary<string, string> Of(int pid) =>
        File.ReadAllText($"/proc/{pid}/environ")
            .Split('\0', StringSplitOptions.RemoveEmptyEntries)
            .Select(entry => entry.Split('=', 2))
            .Where(pair => pair.Length == 2)
            .GroupBy(pair => pair[0], StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Last()[1], StringComparer.Ordinal);

    /// <summary>The service manager's variables that must never reach a worker.</summary>
    public static readonly string[] ServiceManagerVariables =
        ["NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID", "LISTEN_FDS", "LISTEN_PID", "LISTEN_FDNAMES"];

    /// <summary>The inode of every socket <paramref name="pid"/> has open (its /proc/PID/fd links "socket:[N]").</summary>
    public static IReadOnlySet<long> SocketInodes(int pid)
    {
        var inodes = new HashSet<long>();
        foreach (var fd in Directory.GetFiles($"/proc/{pid}/fd"))
        {
            try
            {
                if (new FileInfo(fd).LinkTarget is { } target && target.StartsWith("socket:[", StringComparison.Ordinal))
                {
                    inodes.Add(long.Parse(target[8..^1], System.Globalization.CultureInfo.InvariantCulture));
                }
            }
            catch (IOException)
            {
                // Closed meanwhile.
            }
        }
        return inodes;
    }

    /// <summary>The inodes of the TCP sockets listening on <paramref name="port"/> (IPv4 and IPv6), from /proc/net/tcp*.</summary>
    public static IReadOnlyList<long> ListeningInodes(int port)
    {
        var hexPort = port.ToString("X4", System.Globalization.CultureInfo.InvariantCulture);
        return [.. new[] { "/proc/net/tcp", "/proc/net/tcp6" }
            .Where(File.Exists)
            .SelectMany(File.ReadLines)
            .Skip(0)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(f => f.Length > 9 && f[1].EndsWith(":" + hexPort, StringComparison.Ordinal) && f[3] == "0A") // 0A: LISTEN
            .Select(f => long.Parse(f[9], System.Globalization.CultureInfo.InvariantCulture))];
    }
}
