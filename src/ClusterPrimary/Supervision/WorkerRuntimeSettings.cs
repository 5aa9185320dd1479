
namespace ClusterHost.Primary.Supervision;

/// <summary>
/// .NET runtime settings the primary gives its workers: a .NET process assumes it owns every CPU,
/// but a worker shares them with its siblings (and, in proxy mode, with the primary's front).
/// A setting is given only when the app has not chosen for itself: neither the primary's
/// environment (which workers inherit) nor the app's <c>runtimeconfig.json</c> sets it. An
/// environment variable would override the app's runtimeconfig.json, so both are checked.
/// </summary>
/// <remarks>What each setting did on the benchmark is in <c>loadtests/results/tuning.md</c>.</remarks>
internal static class WorkerRuntimeSettings
{
    /// <summary>
    /// A thread-pool thread that runs out of work blocks at once instead of spin-waiting for more:
    /// with one worker per CPU, a spinning thread only takes the CPU from a sibling worker that has
    /// work. Measured with 2 workers on 2 cores: CPU per request fell by about a fifth and context
    /// switches per request by about two thirds.
    /// </summary>
    internal static readonly RuntimeSetting NoSpinWaiting =
        new("DOTNET_ThreadPool_UnfairSemaphoreSpinLimit", "System.Threading.ThreadPool.UnfairSemaphoreSpinLimit", "0");

    /// <summary>Every setting given to workers by default.</summary>
    internal static readonly IReadOnlyList<RuntimeSetting> Defaults = [NoSpinWaiting];

    /// <summary>
    /// Adds to <paramref name="environment"/> (a worker's, already holding what it inherits) each
    /// default that neither it nor the app's runtimeconfig.json beside <paramref name="appPath"/> sets.
    /// </summary>
    public static void Apply(IDictionary<string, string?> environment, string appPath) => Apply(environment, appPath, []);

    /// <summary>
    /// As <see cref="Apply(IDictionary{string, string?}, string)"/>, and adds <paramref name="gcSettings"/>
    /// (<see cref="WorkerGcSettings.For"/>) unless the app chose a GC setting of its own
    /// (<see cref="WorkerGcSettings.AppChoice"/>): GC settings go together, so an app keeps all of its own and gets none of ours.
    /// </summary>
    public static void Apply(IDictionary<string, string?> environment, string appPath, IReadOnlyList<RuntimeSetting> gcSettings)
    {
        var unset = Defaults.Where(setting => !setting.IsSetIn(environment)).ToList();
        if (unset.Count == 0 && gcSettings.Count == 0)
        {
            return;
        }
        // Missing or unreadable: the worker then fails to start with the host's own error, which names the file.
        var appConfig = AppRuntimeConfig.Read(RuntimeConfigPath(appPath));
        foreach (var setting in unset.Where(setting => appConfig?.Sets(setting.ConfigProperty) != true))
        {
            environment[setting.EnvironmentVariable] = setting.Value;
        }
        if (gcSettings.Count > 0 && WorkerGcSettings.AppChoice(environment, appConfig) is null)
        {
            foreach (var setting in gcSettings)
            {
                environment[setting.EnvironmentVariable] = setting.Value;
            }
        }
    }

    /// <summary>
    /// <c>App.dll</c> → <c>App.runtimeconfig.json</c>, where the SDK writes it; for an apphost
    /// <c>App</c> (no extension to replace, or a dotted name such as <c>My.App</c>), <c>App.runtimeconfig.json</c>.
    /// </summary>
    internal static string RuntimeConfigPath(string appPath) =>
        WorkerInjection.IsDll(appPath) ? Path.ChangeExtension(appPath, ".runtimeconfig.json") : appPath + ".runtimeconfig.json";
}
