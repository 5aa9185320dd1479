using System.Globalization;
using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace ClusterHost.Primary.Balancing.Proxy;

/// <summary>
/// The primary's private directory for the workers' Unix sockets:
/// <c>{base}/clusterhost-{pid}-{random}</c>, mode 0700, removed when disposed. The base is
/// <c>$XDG_RUNTIME_DIR</c> (per user, already private) when set, the temporary folder otherwise;
/// the random part keeps another user from creating the name in advance in a shared /tmp.
/// </summary>
internal sealed partial class WorkerRuntimeDirectory : IDisposable
{
    public const string Prefix = "clusterhost-";

    /// <summary>Longest path a Unix socket address holds (sun_path is 108 bytes with the NUL).</summary>
    public const int MaxSocketPathBytes = 107;

    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    private WorkerRuntimeDirectory(string path, IReadOnlyList<(string Path, int Pid)> removedStale)
    {
        Path = path;
        RemovedStale = removedStale;
    }

    public string Path { get; }

    /// <summary>Directories of primaries that are gone (killed with SIGKILL), removed at creation.</summary>
    public IReadOnlyList<(string Path, int Pid)> RemovedStale { get; }

    /// <summary><c>$XDG_RUNTIME_DIR</c> if it names an existing absolute directory, else the temporary folder.</summary>
    public static string DefaultBase()
    {
        var runtime = Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR");
        return !string.IsNullOrEmpty(runtime) && System.IO.Path.IsPathFullyQualified(runtime) && Directory.Exists(runtime)
            ? runtime
            : System.IO.Path.GetTempPath();
    }

    /// <summary>Removes stale directories under <paramref name="baseDirectory"/>, then creates this primary's.</summary>
    /// <param name="baseDirectory">Where to create it (see <see cref="DefaultBase"/>).</param>
    /// <param name="pid">The primary's process id, part of the name.</param>
    /// <param name="isAlive">Whether a process id names a live process.</param>
    /// <param name="longestSocketName">The longest socket file name that will be put in it.</param>
    /// <exception cref="ClusterStartupException">The directory cannot be created.</exception>
    public static WorkerRuntimeDirectory Create(string baseDirectory, int pid, Func<int, bool> isAlive, int longestSocketName)
    {
        var removed = RemoveStale(baseDirectory, isAlive);
        var name = string.Create(CultureInfo.InvariantCulture, $"{Prefix}{pid}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}");
        var path = System.IO.Path.Combine(baseDirectory, name);
        if (System.Text.Encoding.UTF8.GetByteCount(path) + 1 + longestSocketName > MaxSocketPathBytes)
        {
            throw new ClusterStartupException(
                $"the runtime directory '{path}' is too long for Unix socket paths ({MaxSocketPathBytes} bytes); set XDG_RUNTIME_DIR or TMPDIR to a shorter folder, or use --proxy-transport tcp",
                ExitCodes.Failure);
        }
        try
        {
            if (Directory.Exists(path))
            {
                throw new IOException($"'{path}' already exists");
            }
            Directory.CreateDirectory(path, OwnerOnly);
            // CreateDirectory applies the umask, which can only remove bits; make the mode exact anyway.
            File.SetUnixFileMode(path, OwnerOnly);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ClusterStartupException($"cannot create the workers' runtime directory '{path}': {e.Message}", ExitCodes.Failure, e);
        }
        return new WorkerRuntimeDirectory(path, removed);
    }

    private static List<(string Path, int Pid)> RemoveStale(string baseDirectory, Func<int, bool> isAlive)
    {
        var removed = new List<(string, int)>();
        IEnumerable<string> candidates;
        try
        {
            candidates = Directory.EnumerateDirectories(baseDirectory, Prefix + "*");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return removed;
        }
        foreach (var candidate in candidates)
        {
            var match = NamePattern().Match(System.IO.Path.GetFileName(candidate));
            if (!match.Success
                || !int.TryParse(match.Groups["pid"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var owner)
                || isAlive(owner))
            {
                continue;
            }
            try
            {
                // Never follow a link someone else planted; another user's directory fails to delete.
                if (new DirectoryInfo(candidate).LinkTarget is not null)
                {
                    continue;
                }
                Directory.Delete(candidate, recursive: true);
                removed.Add((candidate, owner));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Not ours, or in use: leave it.
            }
        }
        return removed;
    }

    /// <summary>True while <c>/proc/{pid}</c> exists.</summary>
    public static bool IsProcessAlive(int pid) => Directory.Exists($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}");

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Already gone, or unreadable: the next primary's stale sweep will retry.
        }
    }

    [GeneratedRegex(@"^clusterhost-(?<pid>\d{1,10})-[0-9a-f]+$")]
    private static partial Regex NamePattern();
}
