using System.Text;
using ClusterHost.FunctionalTests.Hosting;
using ClusterHost.FunctionalTests.Infrastructure;
using ClusterHost.FunctionalTests.Metrics;

namespace ClusterHost.FunctionalTests.SignalR;

/// <summary>
/// tests/Apps/ChatRoom (an ordinary SignalR app, no reference to ClusterHost) under the primary,
/// 2 workers in one balancing mode, shared by a test class (xunit class fixture). Disposing it
/// kills the primary and its workers.
/// </summary>
public abstract class ChatRoomCluster(string mode) : IAsyncLifetime
{
    private ClusterProcess? _primary;

    public string Mode => mode;

    public Uri Url { get; private set; } = null!;

    /// <summary>The hub: <c>{Url}chat</c>.</summary>
    public Uri Hub => new(Url, "/chat");

    public int[] Pids { get; private set; } = [];

    internal MetricsEndpoint Metrics { get; private set; } = null!;

    internal ClusterProcess Primary => _primary ?? throw new InvalidOperationException("not started");

    public async Task InitializeAsync()
    {
        _primary = ClusterProcess.StartPrimary(null,
            TestApps.Dll(TestApps.ChatRoom), "--workers", "2", "--mode", mode,
            "--urls", "http://127.0.0.1:0", "--metrics-urls", "http://127.0.0.1:0");
        Metrics = await MetricsEndpoint.WaitForAsync(_primary);
        (Url, Pids) = await _primary.WaitForReadyAsync();
    }

    /// <summary>
    /// The affinity socket of each worker (by slot): <c>a{slot}-{generation}.sock</c> in the directory
    /// the primary gave the workers, read from a worker's initial environment (/proc/PID/environ).
    /// </summary>
    public IReadOnlyDictionary<int, string> AffinitySockets()
    {
        var environment = File.ReadAllText($"/proc/{Pids[0]}/environ", Encoding.UTF8).Split('\0');
        var directory = environment.Single(v => v.StartsWith("CLUSTERHOST_AFFINITY_DIRECTORY=", StringComparison.Ordinal)).Split('=', 2)[1];
        return Directory.GetFiles(directory, "a*.sock")
            .ToDictionary(path => int.Parse(Path.GetFileName(path)[1..].Split('-')[0], System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>clusterhost_signalr_forwarded_total summed over its series matching <paramref name="where"/>.</summary>
    internal async Task<double> ForwardedAsync(Func<MetricSample, bool>? where = null) =>
        (await Metrics.ScrapeAsync()).Named("clusterhost_signalr_forwarded_total").Where(where ?? (_ => true)).Sum(s => s.Value);

    public async Task DisposeAsync()
    {
        Metrics?.Dispose();
        if (_primary is not null)
        {
            await _primary.DisposeAsync();
        }
    }
}
