namespace ClusterHost.Primary.Configuration;

/// <summary>
/// The first start step, once the settings are valid: creates the state directory and the app's
/// key directory in it (mode 0700) and seeds an active data-protection key there
/// (<see cref="SharedKeyRing"/>), so a problem with them is reported like a bad setting, before
/// any port is claimed or worker started.
/// </summary>
internal static class StateDirectorySetup
{
    /// <summary>Prepares <see cref="ClusterHostConfig.StateDirectory"/> and its key directory; returns a one-line problem, or null.</summary>
    /// <param name="config">The validated settings.</param>
    /// <param name="isDefault">The state directory is the default one (no <c>--state-dir</c>): it may lie in a shared place (/tmp), so it must be this user's own.</param>
    public static string? Prepare(ClusterHostConfig config, bool isDefault)
    {
        if (config.StateDirectory is not { } state || config.KeyDirectory is not { } keys)
        {
            return null;
        }
        if (StateDirectory.Prepare(state, mustBePrivate: isDefault) is { } problem)
        {
            return $"--state-dir {problem}{(isDefault ? " (the default; pass --state-dir DIR)" : "")}";
        }
        if ((StateDirectory.Prepare(Path.GetDirectoryName(keys)!, mustBePrivate: true)
            ?? StateDirectory.Prepare(keys, mustBePrivate: true)
            ?? SharedKeyRing.EnsureActiveKey(keys)) is { } keysProblem)
        {
            return $"--state-dir: the key directory {keysProblem}";
        }
        return null;
    }
}
