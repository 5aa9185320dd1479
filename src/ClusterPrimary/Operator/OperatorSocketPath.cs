using System.Security.Cryptography;
using System.Text;
using ClusterHost.Primary.Configuration;

namespace ClusterHost.Primary.Operator;

/// <summary>
/// Where the control socket is by default: <c>$XDG_RUNTIME_DIR/clusterhost/</c> when that is set,
/// else <c>run/</c> in the default state directory; named <c>&lt;app&gt;-&lt;hash of the
/// directory&gt;.sock</c>, the directory being the one the app runs from (<c>--cwd</c>, or where
/// clusterhost was started). So <c>clusterhost status</c> run in that directory finds it: it
/// looks for <c>*-&lt;hash&gt;.sock</c>.
/// </summary>
internal static class OperatorSocketPath
{
    /// <summary>The longest path a Unix socket address holds (sun_path is 108 bytes with its NUL).</summary>
    public const int MaxPathBytes = 107;

    /// <summary>What <c>--help</c> says of the default.</summary>
    public const string DefaultText = "$XDG_RUNTIME_DIR/clusterhost/<app>-<dir hash>.sock, else <default state dir>/run/<app>-<dir hash>.sock, for the directory the app runs from";

    /// <summary>The directory the default sockets are in for this process's user.</summary>
    public static string DefaultDirectory(Func<string, string?> environment, Func<string> defaultStateDirectory)
    {
        var runtime = environment("XDG_RUNTIME_DIR");
        return !string.IsNullOrEmpty(runtime) && Path.IsPathRooted(runtime) && Directory.Exists(runtime)
            ? Path.Combine(runtime, StateDirectory.Name)
            : Path.Combine(defaultStateDirectory(), "run");
    }

    /// <summary>The default socket of the app at <paramref name="appPath"/> run from <paramref name="directory"/>.</summary>
    public static string Default(string socketDirectory, string directory, string appPath)
    {
        var app = new string([.. Path.GetFileNameWithoutExtension(appPath).Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' ? c : '_')]);
        return Path.Combine(socketDirectory, $"{(app.Length > 40 ? app[..40] : app)}-{DirectoryHash(directory)}.sock");
    }

    /// <summary>Eight hex digits that name a directory (its full path, trailing separators ignored).</summary>
    public static string DirectoryHash(string directory)
    {
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(full)))[..8];
    }

    /// <summary>The default sockets of apps run from <paramref name="directory"/>, by path.</summary>
    public static IReadOnlyList<string> FindDefaults(string socketDirectory, string directory)
    {
        try
        {
            return [.. Directory.EnumerateFiles(socketDirectory, $"*-{DirectoryHash(directory)}.sock").Order(StringComparer.Ordinal)];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }
}
