using System.Diagnostics.Metrics;
using System.Runtime.Versioning;
using ClusterHost.Metrics;
using ClusterHost.Primary.Configuration;
using ClusterHost.Primary.Hosting;
using ClusterHost.Primary.Supervision;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Health;

namespace ClusterHost.Primary.Balancing.Proxy;

/// <summary>
/// The proxy front's server: an embedded web application (<see cref="EmbeddedWebApplication"/>:
/// its own Kestrel and container, the primary's logging) serving YARP on the public sockets the
/// <see cref="ProxyFront"/> bound. It terminates TLS on the https endpoints (<see cref="FrontTls"/>).
/// </summary>
[SupportedOSPlatform("linux")]
internal sealed class ProxyServer : IAsyncDisposable
{
    /// <summary>
    /// The server's meters, all created by its own <see cref="IMeterFactory"/> (so the primary's
    /// metrics server, a web application too, is not counted): requests served, connections,
    /// and the HTTP client's requests to the workers.
    /// </summary>
    internal static readonly IReadOnlySet<string> Meters = new HashSet<string>(StringComparer.Ordinal)
    {
        "Microsoft.AspNetCore.Hosting",
        "Microsoft.AspNetCore.Server.Kestrel",
        "System.Net.Http",
        ProxyMetrics.MeterName,
    };

    private readonly WebApplication _app;
    private readonly MeterCollector? _metrics;
    private int _stopped;

    private ProxyServer(WebApplication app, MeterCollector? metrics)
    {
        _app = app;
        _metrics = metrics;
    }

    public IServiceProvider Services => _app.Services;

    /// <summary>Serves YARP on <paramref name="endpoints"/> (Kestrel takes their sockets).</summary>
    /// <exception cref="ClusterStartupException">The server cannot start.</exception>
    public static async Task<ProxyServer> StartAsync(
        ClusterHostConfig config, PublicEndpoints endpoints, InMemoryConfigProvider proxyConfig, IWorkerEndpoints workers,
        ServerCertificate certificate, ILoggerFactory loggerFactory, TimeProvider time, WorkerExits exits, WorkerSigns signs, CancellationToken cancellationToken)
    {
        WebApplication? app = null;
        MeterCollector? metrics = null;
        try
        {
            app = Build(config, endpoints, proxyConfig, workers, certificate, loggerFactory, time, exits, signs);
            // Measured only when the primary serves /metrics: a listener costs on every request.
            metrics = config.MetricsUrls.Count > 0 ? CreateCollector(app.Services, loggerFactory) : null;
            // Kestrel only calls listen() on the sockets already bound.
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
            return new ProxyServer(app, metrics);
        }
        catch (Exception e) when (e is not ClusterStartupException)
        {
            metrics?.Dispose();
            if (app is not null)
            {
                await app.DisposeAsync().ConfigureAwait(false);
            }
            throw new ClusterStartupException($"cannot start the proxy on {string.Join(", ", endpoints.Urls)}: {e.Message}", ExitCodes.Failure, e);
        }
    }

    private static MeterCollector CreateCollector(IServiceProvider services, ILoggerFactory loggerFactory)
    {
        var factory = services.GetRequiredService<IMeterFactory>();
        var logger = loggerFactory.CreateLogger<ProxyServer>();
        return new MeterCollector(
            instrument => ReferenceEquals(instrument.Meter.Scope, factory) && Meters.Contains(instrument.Meter.Name),
            instrument => Log.FrontMetricSeriesCapped(logger, instrument.Name, InstrumentAggregation.MaxSeries));
    }

    /// <summary>The server's own series; empty when the primary serves no /metrics.</summary>
    public IReadOnlyList<MetricFamilySnapshot> CollectMetrics() => _metrics?.Collect() ?? [];

    private static WebApplication Build(
        ClusterHostConfig config, PublicEndpoints endpoints, InMemoryConfigProvider proxyConfig, IWorkerEndpoints workers,
        ServerCertificate certificate, ILoggerFactory loggerFactory, TimeProvider time, WorkerExits exits, WorkerSigns signs)
    {
        var builder = EmbeddedWebApplication.CreateBuilder(
            endpoints, loggerFactory, time, listen => FrontTls.Configure(listen, endpoints.IsHttps(listen.EndPoint), config.Protocols, certificate));
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            // The worker's own Server header (if any) goes through; the proxy adds none.
            kestrel.AddServerHeader = false;
            // The workers' apps set their own limit (Kestrel's default is 30 MB); the front does not
            // impose a second, different one.
            kestrel.Limits.MaxRequestBodySize = null;
        });

        // In-flight requests may finish within the same budget the workers have to drain.
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = config.ShutdownTimeout);
        builder.Services.AddMetrics();
        builder.Services.AddRouting();
        builder.Services.AddSingleton<IProxyConfigProvider>(proxyConfig);
        builder.Services.AddReverseProxy().AddTransforms<GrpcOverHttp2Transform>();
        builder.Services.Configure<KeyManagementOptions>(o => o.XmlRepository = new InMemoryKeyRepository());
        builder.Services.AddSingleton(workers);
        builder.Services.AddSingleton(exits);
        builder.Services.AddSingleton<ProxyMetrics>();
        builder.Services.AddSingleton<IForwarderHttpClientFactory, WorkerHttpClientFactory>();
        builder.Services.AddSingleton<IPassiveHealthCheckPolicy, WorkerFailureHealthPolicy>();
        builder.Services.AddSingleton(signs);
        builder.Services.AddSingleton<IAvailableDestinationsPolicy, WorkerAvailabilityPolicy>();
        builder.Services.AddHostedService<WorkerSilenceMonitor>();

        var app = builder.Build();
        app.MapReverseProxy(pipeline =>
        {
            pipeline.UseMiddleware<WorkerRetryMiddleware>();
            pipeline.UseMiddleware<ConnectionTokenPinning>();
            pipeline.UseLoadBalancing();
            pipeline.UsePassiveHealthChecks();
        });
        return app;
    }

    /// <summary>Stops accepting, lets in-flight requests finish (up to the shutdown timeout), then closes.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 0)
        {
            await _app.StopAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None).ConfigureAwait(false);
        _metrics?.Dispose();
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
