using System.Text;
using ClusterHost.Primary.Configuration;

namespace ClusterHost.Primary.Operator;

/// <summary>Turns <c>--control-socket</c> into the socket's full path, creating the default directory (0700).</summary>
internal static class ControlSocketResolver
{
    /// <summary>The value that turns the control socket off.</summary>
    public const string None = "none";

    // The socket is bound as "<dir>/.chXXXXXX/s" first (see OperatorSocketBinder): 11 bytes more than its directory.
    private const int TemporarySuffixBytes = 11;

    /// <summary>The socket's path; null when turned off or on error (added to <paramref name="errors"/>).</summary>
    /// <param name="value">The option's value; null or empty for the default.</param>
    /// <param name="appDirectory">The directory the app runs from, which names the default.</param>
    /// <param name="appPath">The app, which names the default.</param>
    /// <param name="defaultStateDirectory">The default state directory, under which the default lives without XDG_RUNTIME_DIR.</param>
    /// <param name="errors">Where a problem is reported.</param>
    public static string? Resolve(string? value, string appDirectory, string appPath, Func<string> defaultStateDirectory, ICollection<string> errors)
    {
        if (string.Equals(value?.Trim(), None, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }
        string path;
        if (string.IsNullOrWhiteSpace(value))
        {
            var directory = OperatorSocketPath.DefaultDirectory(Environment.GetEnvironmentVariable, defaultStateDirectory);
            if (StateDirectory.Prepare(directory, mustBePrivate: true) is { } problem)
            {
                errors.Add($"--control-socket: the default directory cannot be used: {problem}; give --control-socket PATH or {None}");
                return null;
            }
            path = OperatorSocketPath.Default(directory, appDirectory, appPath);
        }
        else
        {
            path = Path.GetFullPath(value);
            if (!Directory.Exists(Path.GetDirectoryName(path)))
            {
                errors.Add($"--control-socket '{value}': its directory does not exist");
                return null;
            }
        }
        if (Encoding.UTF8.GetByteCount(path) > OperatorSocketPath.MaxPathBytes
            || Encoding.UTF8.GetByteCount(Path.GetDirectoryName(path)!) + TemporarySuffixBytes > OperatorSocketPath.MaxPathBytes)
        {
            errors.Add($"--control-socket '{path}' is too long for a Unix socket ({OperatorSocketPath.MaxPathBytes} bytes at most); give a shorter --control-socket PATH");
            return null;
        }
        return path;
    }
}
