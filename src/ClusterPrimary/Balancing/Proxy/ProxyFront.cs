using System.Runtime.Versioning;
using ClusterHost.Metrics;
using ClusterHost.Primary.Configuration;
using ClusterHost.Primary.Supervision;
using ClusterHost.Text;
using Microsoft.Extensions.Logging;

namespace ClusterHost.Primary.Balancing.Proxy;

/// <summary>
/// <c>proxy</c>: the primary accepts every connection on the public URLs (its
/// <see cref="ProxyServer"/>) and YARP forwards each request to a worker listening on a private
/// endpoint, so balancing is per request, not per connection.
/// </summary>
/// <remarks>
/// YARP's configuration lives in memory and follows the supervisor: a worker is a destination
/// from the moment it reports ready until it starts draining or its exit is observed. Each launch
/// (<see cref="WorkerInstance"/>) is a new destination, so a restarted or replacement worker never
/// inherits its predecessor's health, and nothing restarts the proxy.
/// </remarks>
[SupportedOSPlatform("linux")]
internal sealed class ProxyFront(
    ClusterHostConfig config, ServerCertificate certificate, TimeProvider time, ILoggerFactory loggerFactory, WorkerExits? exits = null, WorkerSigns? signs = null)
    : IClusterFront, IFrontMetricsSource, IAsyncDisposable
{
    private readonly WorkerRotation _rotation = new(config.Balance);
    private readonly ILogger _logger = loggerFactory.CreateLogger<ProxyFront>();
    private IWorkerEndpoints? _workers;
    private ProxyServer? _server;
    private IReadOnlyList<string> _urls = [];

    public BalancingMode Mode => BalancingMode.Proxy;

    public IReadOnlyList<string> Urls => _urls;

    /// <summary>Where the workers listen; valid after <see cref="StartAsync"/>.</summary>
    internal IWorkerEndpoints Workers => _workers ?? throw new InvalidOperationException("StartAsync() first.");

    /// <summary>The proxy server's services (YARP's state among them); valid after <see cref="StartAsync"/>.</summary>
    internal IServiceProvider ServerServices => _server?.Services ?? throw new InvalidOperationException("StartAsync() first.");

    public IReadOnlyList<MetricFamilySnapshot> CollectFrontMetrics() => _server?.CollectMetrics() ?? [];

    /// <summary>The workers YARP now routes to, by slot.</summary>
    internal IReadOnlyList<WorkerDestination> InRotation => _rotation.Current;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        IReadOnlyList<(string Path, int Pid)> removed = [];
        PublicEndpoints? endpoints = null;
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
            if (certificate.IsConfigured)
            {
                certificate.Load();
                certificate.WarnIfKeyExposed();
            }
            // Passed sockets stay as systemd gave them (inheritable): .NET then never shuts one
            // down when Kestrel closes it, which would end it for systemd too.
            endpoints = config.Activation.IsActive
                ? ActivatedEndpoints.Adopt(config.Activation, config.Urls)
                : PublicEndpointBinder.Bind(config.Urls, PublicEndpointBinder.BindListener);
            _server = await ProxyServer.StartAsync(config, endpoints, _rotation.Config, _workers, certificate, loggerFactory, time, exits ?? new WorkerExits(time), signs ?? new WorkerSigns(), cancellationToken).ConfigureAwait(false);
            _urls = endpoints.Urls;
        }
        catch
        {
            _workers?.Dispose();
            _workers = null;
            throw;
        }
        finally
        {
            endpoints?.Dispose(); // what Kestrel did not take
        }

        foreach (var (path, pid) in removed)
        {
            Log.StaleRuntimeDirectoryRemoved(_logger, path, pid);
        }
        if (config.Activation.IsActive)
        {
            Log.ServingActivatedSockets(_logger, config.Activation.Descriptors.Count, string.Join(", ", _urls));
        }
        Log.ProxyListening(_logger, string.Join(", ", _urls), EnumNames<ProxyBalancePolicy>.ToName(config.Balance), _workers.Description);
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
        if (_rotation.Leaving(instance, out var wasInRotation) is { } removed)
        {
            Workers.Release(removed);
            if (wasInRotation)
            {
                // A launch that never became ready never joined: nothing to say.
                Log.DestinationRemoved(_logger, removed.WorkerId, removed.DestinationId);
            }
        }
    }

    public async Task StopAcceptingAsync(CancellationToken cancellationToken)
    {
        if (_server is null)
        {
            return;
        }
        Log.ProxyStopping(_logger, config.ShutdownTimeout);
        var started = time.GetTimestamp();
        await _server.StopAsync(cancellationToken).ConfigureAwait(false);
        Log.ProxyStopped(_logger, time.GetElapsedTime(started));
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync().ConfigureAwait(false);
        }
        _workers?.Dispose();
    }

    public override string ToString() => $"proxy on {string.Join(", ", Urls)} to {_workers?.Description}";
}
