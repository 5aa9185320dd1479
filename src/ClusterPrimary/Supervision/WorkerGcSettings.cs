using ClusterHost.Primary.Configuration;

namespace ClusterHost.Primary.Supervision;

/// <summary>
/// The garbage-collector settings ClusterHost gives its workers (<c>--worker-gc auto</c>), and whether
/// an app chose GC settings of its own, in which case it keeps them all and gets none of these.
/// </summary>
/// <remarks>
/// Measured (loadtests/results/tuning.md): an idle worker's memory does not move with the GC mode;
/// about three quarters of its RSS are the framework's files, shared with every other worker. What
/// does change with the worker count is the CPU each worker may use: with more workers than CPUs,
/// a worker gets less than one, and server GC's per-CPU heaps and threads (two per heap) in every
/// worker only compete with one another. Up to one worker per CPU, server GC with DATAS (the .NET
/// default since .NET 9) already starts with one heap and adds heaps only under load.
/// </remarks>
internal static class WorkerGcSettings
{
    internal static readonly RuntimeSetting WorkstationGc = new("DOTNET_gcServer", "System.GC.Server", "0");

    /// <summary>No background GC thread: with less than a CPU per worker, it has no CPU of its own to run on.</summary>
    internal static readonly RuntimeSetting NonConcurrentGc = new("DOTNET_gcConcurrent", "System.GC.Concurrent", "0");

    /// <summary>The runtimeconfig.json property the Web SDK writes into every ASP.NET Core app: not a choice of the app's.</summary>
    internal const string ServerGcProperty = "System.GC.Server";

    /// <summary>
    /// What <paramref name="mode"/> gives each of <paramref name="workers"/> workers on <paramref name="cpus"/>
    /// CPUs: under <see cref="WorkerGcMode.Auto"/>, workstation GC without background GC when there are
    /// more workers than CPUs, else nothing (the runtime's defaults).
    /// </summary>
    public static IReadOnlyList<RuntimeSetting> For(WorkerGcMode mode, int workers, int cpus) =>
        mode == WorkerGcMode.Auto && workers > cpus ? [WorkstationGc, NonConcurrentGc] : [];

    /// <summary>
    /// The GC setting the app chose itself, described (<c>DOTNET_GCHeapCount in the environment</c>,
    /// <c>System.GC.HeapHardLimit in its runtimeconfig.json</c>); null when it chose none. Every
    /// <c>DOTNET_gc*</c>/<c>DOTNET_GC*</c> variable (or <c>COMPlus_</c>) counts, and every
    /// <c>System.GC.*</c> property but <c>System.GC.Server: true</c>, which the Web SDK writes for every
    /// web app unless told otherwise (so an app that wants server GC with more workers than CPUs says so
    /// in the environment, <c>DOTNET_gcServer=1</c>, or runs with <c>--worker-gc runtime</c>).
    /// </summary>
    public static string? AppChoice(IDictionary<string, string?> environment, AppRuntimeConfig? appConfig)
    {
        foreach (var name in environment.Keys.Order(StringComparer.Ordinal))
        {
            if (name.StartsWith("DOTNET_GC", StringComparison.OrdinalIgnoreCase) || name.StartsWith("COMPlus_GC", StringComparison.OrdinalIgnoreCase))
            {
                return $"{name} in the environment";
            }
        }
        if (appConfig is null)
        {
            return null;
        }
        foreach (var name in appConfig.PropertyNames.Order(StringComparer.Ordinal))
        {
            if (name.StartsWith("System.GC.", StringComparison.Ordinal)
                && !(name == ServerGcProperty && appConfig.Switch(name) == true))
            {
                return $"{name} in its runtimeconfig.json";
            }
        }
        return null;
    }

    /// <summary>
    /// Which GC settings the workers of <paramref name="config"/> get, for the log at start: the
    /// primary's environment is what they inherit.
    /// </summary>
    public static string Describe(ClusterHostConfig config, int cpus) => Describe(config, config.Workers, cpus);

    /// <summary>The same, for a cluster of <paramref name="workers"/> workers (after a scale).</summary>
    public static string Describe(ClusterHostConfig config, int workers, int cpus)
    {
        var environment = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (System.Collections.DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            environment[(string)entry.Key] = entry.Value as string;
        }
        var appConfig = config.WorkerGc == WorkerGcMode.Auto ? AppRuntimeConfig.Read(WorkerRuntimeSettings.RuntimeConfigPath(config.AppPath)) : null;
        return Describe(config.WorkerGc, workers, cpus, AppChoice(environment, appConfig));
    }

    /// <summary>One line for the log: which GC settings the workers get, and why.</summary>
    public static string Describe(WorkerGcMode mode, int workers, int cpus, string? appChoice)
    {
        var count = $"{workers} worker{(workers == 1 ? "" : "s")} on {cpus} CPU{(cpus == 1 ? "" : "s")}";
        if (mode == WorkerGcMode.Runtime)
        {
            return $"the runtime's defaults (--worker-gc runtime; {count})";
        }
        if (appChoice is not null)
        {
            return $"the app's own GC settings ({appChoice}); ClusterHost adds none ({count})";
        }
        var settings = For(mode, workers, cpus);
        return settings.Count == 0
            ? $"the runtime's defaults, server GC with DATAS for a web app ({count}); with more workers than CPUs, workstation GC without background GC"
            : $"{string.Join(", ", settings.Select(s => $"{s.EnvironmentVariable}={s.Value}"))}: workstation GC without background GC ({count}, more workers than CPUs); --worker-gc runtime keeps the runtime's defaults";
    }
}
