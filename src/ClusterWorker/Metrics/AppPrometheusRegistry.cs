using System.Reflection;
using System.Text;

namespace ClusterHost.Worker.Metrics;

/// <summary>
/// The app's own prometheus-net default registry, if the app uses prometheus-net: exported in the
/// Prometheus text format at each scrape, for the primary to merge across workers. ClusterHost does
/// not reference prometheus-net (its copy would clash with the app's): the app's loaded
/// <c>Prometheus.NetStandard</c> assembly is found at scrape time and its
/// <c>Metrics.DefaultRegistry.CollectAndExportAsTextAsync(Stream, CancellationToken)</c> bound
/// once into a delegate.
/// </summary>
/// <remarks>
/// The export is asynchronous in prometheus-net, but runs synchronously for a registry in memory;
/// it is waited for at most <see cref="ExportTimeout"/>, so a worker whose thread pool is starved
/// still answers with its meters (without the app's registry) in time.
/// </remarks>
internal sealed class AppPrometheusRegistry
{
    /// <summary>The assembly prometheus-net 3.x to 8.x ships as.</summary>
    public const string AssemblyName = "Prometheus.NetStandard";

    /// <summary>The longest a scrape waits for the app's registry: 250 ms (the primary waits 1 s for the whole answer).</summary>
    public static readonly TimeSpan ExportTimeout = TimeSpan.FromMilliseconds(250);

    private readonly Func<Assembly?> _findAssembly;
    private Func<Stream, CancellationToken, Task>? _export;
    private bool _unusable;
    private Task? _pending;

    public AppPrometheusRegistry()
        : this(FindLoadedAssembly)
    {
    }

    internal AppPrometheusRegistry(Func<Assembly?> findAssembly) => _findAssembly = findAssembly;

    /// <summary>
    /// The registry's exposition, or null when the app has not loaded prometheus-net, its API is
    /// not the one expected, or the export did not finish in time.
    /// </summary>
    /// <exception cref="Exception">The app's registry threw (a collector's callback failed).</exception>
    public string? Export()
    {
        if (_pending is { IsCompleted: false } || (_export ??= Bind()) is not { } export)
        {
            return null;
        }
        var stream = new MemoryStream();
        var task = export(stream, CancellationToken.None);
        if (!task.Wait(ExportTimeout))
        {
            _pending = task; // not started again until this one finishes
            return null;
        }
        return Encoding.UTF8.GetString(stream.GetBuffer(), 0, (int)stream.Length);
    }

    private Func<Stream, CancellationToken, Task>? Bind()
    {
        if (_unusable || _findAssembly() is not { } assembly)
        {
            return null;
        }
        var registry = assembly.GetType("Prometheus.Metrics")?.GetProperty("DefaultRegistry", BindingFlags.Public | BindingFlags.Static)?.GetValue(null);
        var method = registry?.GetType().GetMethod("CollectAndExportAsTextAsync", BindingFlags.Public | BindingFlags.Instance, [typeof(Stream), typeof(CancellationToken)]);
        if (method is null || method.ReturnType != typeof(Task))
        {
            _unusable = true; // a prometheus-net whose API differs: leave it alone
            return null;
        }
        return method.CreateDelegate<Func<Stream, CancellationToken, Task>>(registry!);
    }

    /// <summary>The app's prometheus-net assembly, if loaded.</summary>
    internal static Assembly? FindLoadedAssembly() =>
        AppDomain.CurrentDomain.GetAssemblies().FirstOrDefault(a => a.GetName().Name == AssemblyName);
}
