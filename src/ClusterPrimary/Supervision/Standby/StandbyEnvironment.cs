using ClusterHost.Control;

namespace ClusterHost.Primary.Supervision.Standby;

/// <summary>
/// What a standby is told when it takes a slot: the worker's environment as a launch would set it,
/// less what the standby was started with. Only variables the app and ClusterHost's own code read
/// after the runtime has started may differ; a difference in the runtime's own (<c>DOTNET_*</c>,
/// the GC settings among them) makes the standby unusable for that launch.
/// </summary>
internal static class StandbyEnvironment
{
    /// <summary>Set only in a standby's environment: the startup hook waits on stdin for a slot.</summary>
    public const string Variable = WorkerEnvironmentVariables.Standby;

    // Read by the runtime or the native loader before any managed code runs: fixed at the standby's start.
    private static readonly string[] RuntimePrefixes = ["DOTNET_", "COMPlus_", "CORECLR_", "LD_", "MALLOC_", "GLIBC_"];

    /// <summary>True for a variable the runtime reads as it starts, which a running process cannot take.</summary>
    public static bool IsRuntimeVariable(string name) =>
        RuntimePrefixes.Any(prefix => name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// The variables to set (a value) or remove (null) in a standby started with
    /// <paramref name="started"/> so that its environment is <paramref name="wanted"/>; null, with
    /// the first such variable in <paramref name="blocking"/>, when a runtime variable differs.
    /// </summary>
    public static Dictionary<string, string?>? Changes(
        IReadOnlyDictionary<string, string?> started, IEnumerable<KeyValuePair<string, string?>> wanted, out string? blocking)
    {
        var changes = new Dictionary<string, string?>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, value) in wanted)
        {
            if (value is null)
            {
                continue;
            }
            seen.Add(name);
            if (!started.TryGetValue(name, out var before) || before != value)
            {
                changes[name] = value;
            }
        }
        foreach (var (name, value) in started)
        {
            if (value is not null && !seen.Contains(name))
            {
                changes[name] = null;
            }
        }
        changes[Variable] = null;
        blocking = changes.Keys.FirstOrDefault(name => name != Variable && IsRuntimeVariable(name));
        return blocking is null ? changes : null;
    }
}
