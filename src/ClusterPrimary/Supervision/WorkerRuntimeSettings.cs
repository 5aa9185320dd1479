using System.Text.Json;

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
    public static void Apply(IDictionary<string, string?> environment, string appPath)
    {
        IReadOnlySet<string>? appChoices = null;
        foreach (var setting in Defaults)
        {
            if (setting.IsSetIn(environment))
            {
                continue;
            }
            appChoices ??= ReadConfigProperties(RuntimeConfigPath(appPath));
            if (!appChoices.Contains(setting.ConfigProperty))
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

    /// <summary>
    /// The names under <c>runtimeOptions.configProperties</c>; none when the file is missing or
    /// unreadable (the worker then fails to start with the host's own error, which names the file).
    /// </summary>
    internal static IReadOnlySet<string> ReadConfigProperties(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            using var document = JsonDocument.Parse(stream, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("runtimeOptions", out var options)
                && options.ValueKind == JsonValueKind.Object
                && options.TryGetProperty("configProperties", out var properties)
                && properties.ValueKind == JsonValueKind.Object)
            {
                return properties.EnumerateObject().Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
        }
        return new HashSet<string>();
    }
}
