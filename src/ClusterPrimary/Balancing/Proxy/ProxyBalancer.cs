using System.Runtime.Versioning;
using ClusterHost.Primary.Configuration;
using ClusterHost.Primary.Supervision;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ClusterHost.Primary.Balancing.Proxy;

/// <summary>
/// <c>proxy</c>: the primary accepts every connection on the public URLs (its own Kestrel) and
/// YARP forwards each request to a worker listening on a private endpoint, so balancing is per
/// request, not per connection.
/// </summary>
/// <remarks>
/// YARP's configuration lives in memory and follows the supervisor: a worker is a destination
/// from the moment it reports ready until it starts draining or its exit is observed. Each launch
/// (<see cref="WorkerInstance"/>) is a new destination, so a restarted or replacement worker never
/// inherits its predecessor's health, and nothing restarts the proxy.
/// </remarks>
[SupportedOSPlatform("linux")]
internal sealed class ProxyBalancer(ClusterHostConfig config, TimeProvider time) : IBalancer, IFrontMetricsSource
{
    private readonly WorkerRotation _rotation = new(config.Balance);
    private IWorkerEndpoints? _workers;
    private ProxyFront? _front;
    private ILogger _logger = Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

    public BalancingMode Mode => BalancingMode.Proxy;

    public IReadOnlyList<string> Urls => _front?.Urls ?? [];

    /// <summary>Where the workers listen; valid after <see cref="Prepare"/>.</summary>
    internal IWorkerEndpoints Workers => _workers ?? throw new InvalidOperationException("Prepare() first.");

    /// <summary>The front's services (YARP's state among them); valid after <see cref="Prepare"/>.</summary>
    internal IServiceProvider FrontServices => _front?.Services ?? throw new InvalidOperationException("Prepare() first.");

    public IReadOnlyList<ClusterHost.Metrics.MetricFamilySnapshot> CollectFrontMetrics() => _front?.CollectMetrics() ?? [];

    /// <summary>The workers YARP now routes to, by slot.</summary>
    internal IReadOnlyList<WorkerDestination> InRotation => _rotation.Current;

    public void Prepare()
    {
        IReadOnlyList<(string Path, int Pid)> removed = [];
        try
        {
            if (config.ProxyTransport == ProxyTransport.Unix)
            {
                var directory = WorkerRuntimeDirectory.Create(
                    WorkerRuntimeDirectory.DefaultBase(), Environment.ProcessId, WorkerRuntimeDirectory.IsProcessAlive,
                    UnixWorkerEndpoints.LongestSocketName);
                removed = directory.RemovedStale;
                _workers = new UnixWorkerEndpoints(directory);
            }
            else
            {
                _workers = TcpWorkerEndpoints.Create(config.Workers);
            }
            _front = ProxyFront.Start(config, _rotation.Config, _workers);
        }
        catch
        {
            _workers?.Dispose();
            _workers = null;
            throw;
        }

        _logger = _front.Services.GetRequiredService<ILoggerFactory>().CreateLogger<ProxyBalancer>();
        foreach (var (path, pid) in removed)
        {
            Log.StaleRuntimeDirectoryRemoved(_logger, path, pid);
        }
        Log.ProxyListening(_logger, string.Join(", ", _front.Urls), ProxyBalancePolicyNames.ToName(config.Balance), _workers.Description);
    }

    public void ConfigureWorker(WorkerInstance instance, IDictionary<string, string?> environment)
    {
        foreach (var failed in _rotation.Launched(Workers.Assign(instance, environment)))
        {
            Workers.Release(failed);
        }
    }

    public void WorkerReady(WorkerInstance instance)
    {
        if (_rotation.Ready(instance) is { } added)
        {
            Log.DestinationAdded(_logger, added.WorkerId, added.DestinationId, added.Address);
        }
    }

    public void WorkerLeaving(WorkerInstance instance)
    {
        if (_rotation.Leaving(instance) is { } removed)
        {
            Workers.Release(removed);
            Log.DestinationRemoved(_logger, removed.WorkerId, removed.DestinationId);
        }
    }

    public async Task StopAcceptingAsync(CancellationToken cancellationToken)
    {
        if (_front is null)
        {
            return;
        }
        Log.ProxyStopping(_logger, config.ShutdownTimeout);
        var started = time.GetTimestamp();
        await _front.StopAsync(cancellationToken).ConfigureAwait(false);
        Log.ProxyStopped(_logger, time.GetElapsedTime(started));
    }

    public async ValueTask DisposeAsync()
    {
        if (_front is not null)
        {
            await _front.DisposeAsync().ConfigureAwait(false);
        }
        _workers?.Dispose();
    }

    public override string ToString() => $"proxy on {string.Join(", ", Urls)} to {_workers?.Description}";
}
