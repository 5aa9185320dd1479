using ClusterHost.Primary.Platform;

namespace ClusterHost.Primary.Configuration;

/// <summary>
/// The primary's state directory (<c>--state-dir</c>): state that outlives one run, today the
/// data-protection key ring each app's workers share (<c>keys/&lt;app name&gt;</c>). Its default
/// needs no HOME, so that a service account without one still gets a key ring all workers share.
/// </summary>
internal static class StateDirectory
{
    /// <summary>The folder under the base directories below.</summary>
    public const string Name = "clusterhost";

    /// <summary>Unix mode of every directory the primary creates here: its user only.</summary>
    public const UnixFileMode PrivateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>How <c>--help</c> states the default.</summary>
    public const string DefaultText =
        "$STATE_DIRECTORY (systemd StateDirectory=), else $XDG_STATE_HOME/clusterhost, else $HOME/.local/state/clusterhost "
        + "when HOME is an existing directory, else /var/lib/clusterhost for root, else /tmp/clusterhost-<uid>";

    /// <summary>
    /// The default, the first of: <c>$STATE_DIRECTORY</c> (set by systemd's <c>StateDirectory=</c>;
    /// its first entry), <c>$XDG_STATE_HOME/clusterhost</c>, <c>$HOME/.local/state/clusterhost</c>
    /// when HOME names an existing directory, <c>/var/lib/clusterhost</c> for root, and
    /// <c>/tmp/clusterhost-&lt;uid&gt;</c> otherwise. Relative values of the variables are ignored,
    /// as the XDG specification asks.
    /// </summary>
    public static string Default(Func<string, string?> environment, uint uid)
    {
        if (Absolute(environment("STATE_DIRECTORY")?.Split(':')[0]) is { } systemd)
        {
            return systemd;
        }
        if (Absolute(environment("XDG_STATE_HOME")) is { } xdg)
        {
            return Path.Combine(xdg, Name);
        }
        if (Absolute(environment("HOME")) is { } home && Directory.Exists(home))
        {
            return Path.Combine(home, ".local", "state", Name);
        }
        return uid == 0 ? Path.Combine("/var/lib", Name) : Path.Combine("/tmp", $"{Name}-{uid}");
    }

    /// <summary>The default for this process.</summary>
    public static string DefaultForThisProcess() => Default(Environment.GetEnvironmentVariable, Interop.GetEUid());

    /// <summary>Where the workers of the app at <paramref name="appPath"/> keep their shared data-protection keys.</summary>
    public static string KeyDirectory(string stateDirectory, string appPath) =>
        Path.Combine(stateDirectory, "keys", Path.GetFileNameWithoutExtension(appPath));

    /// <summary>
    /// Creates <paramref name="path"/> (and missing parents) with mode 0700 unless it exists.
    /// A directory that exists keeps its mode, unless <paramref name="mustBePrivate"/>: then it is
    /// set to 0700, which only its owner can do, so one that another user made first is refused.
    /// Returns a problem, or null.
    /// </summary>
    public static string? Prepare(string path, bool mustBePrivate)
    {
        try
        {
            if (File.Exists(path))
            {
                return $"'{path}' is a file, not a directory";
            }
            if (!Directory.Exists(path))
            {
                Directory.CreateDirectory(path, PrivateMode);
            }
            else if (mustBePrivate && File.GetUnixFileMode(path) != PrivateMode)
            {
                File.SetUnixFileMode(path, PrivateMode);
            }
            return null;
        }
        catch (UnauthorizedAccessException e)
        {
            return $"'{path}' cannot be made private to this user or created: {e.Message}";
        }
        catch (IOException e)
        {
            return $"'{path}' cannot be created: {e.Message}";
        }
    }

    private static string? Absolute(string? path) => !string.IsNullOrEmpty(path) && Path.IsPathRooted(path) ? path : null;
}
