using ClusterHost.FunctionalTests.Infrastructure;
using ClusterHost.FunctionalTests.Metrics;

namespace ClusterHost.FunctionalTests.Operator;

/// <summary>One cluster (2 workers, the SampleApp) with its control socket in a fresh directory, shared by a test class.</summary>
public sealed class OperatorCluster : IAsyncLifetime
{
    private readonly TempDirectory _directory = new();
    private ClusterProcess? _primary;

    internal ClusterProcess Primary => _primary!;

    internal string Socket => _directory.File("control.sock");

    internal string Directory => _directory.Path;

    internal Uri Url { get; private set; } = null!;

    internal MetricsEndpoint Metrics { get; private set; } = null!;

    internal Uri StatusPage => new(Metrics.Url, "/status");

    public async Task InitializeAsync()
    {
        _primary = ClusterProcess.StartPrimary(null, "--workers", "2", "--urls", "http://127.0.0.1:0", "--control-socket", Socket);
        (Url, _) = await _primary.WaitForReadyAsync();
        Metrics = await MetricsEndpoint.WaitForAsync(_primary);
    }

    public async Task DisposeAsync()
    {
        Metrics?.Dispose();
        if (_primary is not null)
        {
            await _primary.DisposeAsync();
        }
        _directory.Dispose();
    }
}
