using System.Globalization;

namespace ClusterHost.Primary.Platform;

/// <summary>
/// The sockets a service manager passed this process (systemd's socket activation, as
/// <c>sd_listen_fds</c> reads it): <c>LISTEN_FDS</c> descriptors from 3 on, meant for this process
/// when <c>LISTEN_PID</c> is its pid, named by <c>LISTEN_FDNAMES</c> (':'-separated).
/// </summary>
internal sealed record SocketActivation
{
    /// <summary>The first passed descriptor (SD_LISTEN_FDS_START).</summary>
    public const int FirstDescriptor = 3;

    public const string ListenPid = "LISTEN_PID";
    public const string ListenFds = "LISTEN_FDS";
    public const string ListenFdNames = "LISTEN_FDNAMES";

    /// <summary>The passed descriptors, 3 on.</summary>
    public required IReadOnlyList<int> Descriptors { get; init; }

    /// <summary>The name of each descriptor (the socket unit's <c>FileDescriptorName=</c>, by default its name), or "".</summary>
    public IReadOnlyList<string> Names { get; init; } = [];

    /// <summary>No sockets passed.</summary>
    public static SocketActivation None { get; } = new() { Descriptors = [] };

    public bool IsActive => Descriptors.Count > 0;

    /// <summary>What was passed to the process <paramref name="pid"/>; <see cref="None"/> when nothing was, or when it was meant for another process.</summary>
    /// <param name="getVariable">Reads an environment variable.</param>
    /// <param name="pid">This process's id.</param>
    /// <param name="errors">Gets a one-line problem when the variables are malformed.</param>
    public static SocketActivation Read(Func<string, string?> getVariable, int pid, ICollection<string> errors)
    {
        var fds = getVariable(ListenFds);
        if (string.IsNullOrEmpty(fds))
        {
            return None;
        }
        var listenPid = getVariable(ListenPid);
        // Unset LISTEN_PID is allowed (a parent that cannot know the pid); another pid: the
        // variables were inherited from a process they were meant for.
        if (!string.IsNullOrEmpty(listenPid)
            && (!int.TryParse(listenPid, NumberStyles.None, CultureInfo.InvariantCulture, out var forPid) || forPid != pid))
        {
            return None;
        }
        if (!int.TryParse(fds, NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count is < 1 or > 64)
        {
            errors.Add($"{ListenFds} must be a number of passed sockets from 1 to 64 (got '{fds}')");
            return None;
        }
        var names = (getVariable(ListenFdNames) ?? "").Split(':');
        return new SocketActivation
        {
            Descriptors = [.. Enumerable.Range(FirstDescriptor, count)],
            Names = [.. Enumerable.Range(0, count).Select(i => i < names.Length ? names[i] : "")],
        };
    }
}
