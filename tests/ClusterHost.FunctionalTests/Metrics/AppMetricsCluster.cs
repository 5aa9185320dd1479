using System.Globalization;
using ClusterHost.FunctionalTests.Hosting;
using ClusterHost.FunctionalTests.Infrastructure;

namespace ClusterHost.FunctionalTests.Metrics;

/// <summary>
/// One cluster shared by the <see cref="AppMetricsTests"/>: tests/Apps/PrometheusNetApp (its own
/// meters and a prometheus-net registry, no reference to ClusterHost), 2 workers, the
/// <c>TestApp.Hidden</c> meter excluded, and <see cref="Requests"/> requests to <c>/hit</c> sent.
/// </summary>
public sealed class AppMetricsCluster : IAsyncLifetime
{
    public const int Requests = 300;

    /// <summary>Every meter but the app's TestApp.Hidden (and the runtime's private ones, as by default).</summary>
    public const string Meters = "*,-TestApp.Hidden,-Private.InternalDiagnostics.*";

    private ClusterProcess? _primary;

    internal ClusterProcess Primary => _primary ?? throw new InvalidOperationException("not started");

    internal MetricsEndpoint Metrics { get; private set; } = null!;

    public Uri Url { get; private set; } = null!;

    /// <summary>Requests each worker process answered, by pid.</summary>
    public IReadOnlyDictionary<int, int> ServedByPid { get; private set; } = new Dictionary<int, int>();

    public async Task InitializeAsync()
    {
        _primary = ClusterProcess.StartPrimary(null,
            "--app", TestApps.Dll(TestApps.PrometheusNetApp), "--workers", "2", "--urls", "http://127.0.0.1:0", "--metrics-meters", Meters);
        Metrics = await MetricsEndpoint.WaitForAsync(_primary);
        (Url, _) = await _primary.WaitForReadyAsync();

        // A new connection per request, so that the kernel spreads them over both workers.
        using var client = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.Zero }) { Timeout = ClusterProcess.Patience };
        client.DefaultRequestHeaders.ConnectionClose = true;
        var served = new Dictionary<int, int>();
        for (var i = 0; i < Requests; i++)
        {
            var pid = int.Parse(await client.GetStringAsync(new Uri(Url, "/hit")), CultureInfo.InvariantCulture);
            served[pid] = served.GetValueOrDefault(pid) + 1;
        }
        ServedByPid = served;
    }

    public async Task DisposeAsync()
    {
        Metrics?.Dispose();
        if (_primary is not null)
        {
            await _primary.DisposeAsync();
        }
    }
}
