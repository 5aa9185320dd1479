using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Sockets;
using ClusterHost.Metrics;
using System.Runtime.Versioning;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ClusterHost.Primary.Configuration;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Health;

namespace ClusterHost.Primary.Balancing.Proxy;

/// <summary>
/// The proxy mode's front: a web application of its own inside the primary (its own Kestrel,
/// DI container and lifetime; the primary's Generic Host stays as it is), serving YARP on the
/// public URLs. Started by <see cref="Start"/> before any worker; stopped by the primary's shutdown.
/// </summary>
[SupportedOSPlatform("linux")]
internal sealed class ProxyFront : IAsyncDisposable
{
    /// <summary>
    /// The front's meters, all created by its own <see cref="IMeterFactory"/> (so the primary's
    /// /metrics endpoint, a web application too, is not counted): requests served, connections,
    /// and the HTTP client's requests to the workers.
    /// </summary>
    internal static readonly IReadOnlySet<string> Meters = new HashSet<string>(StringComparer.Ordinal)
    {
        "Microsoft.AspNetCore.Hosting",
        "Microsoft.AspNetCore.Server.Kestrel",
        "System.Net.Http",
    };

    private readonly WebApplication _app;
    private readonly MeterCollector? _metrics;
    private int _stopped;

    private ProxyFront(WebApplication app, IReadOnlyList<string> urls, MeterCollector? metrics)
    {
        _app = app;
        Urls = urls;
        _metrics = metrics;
    }

    /// <summary>The public URLs, port 0 resolved.</summary>
    public IReadOnlyList<string> Urls { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>Binds the public endpoints and starts serving.</summary>
    /// <exception cref="ClusterStartupException">An endpoint is in use or cannot be bound.</exception>
    public static ProxyFront Start(ClusterHostConfig config, InMemoryConfigProvider proxyConfig, IWorkerEndpoints workers)
    {
        var (sockets, urls) = BindPublicEndpoints(config);
        WebApplication? app = null;
        MeterCollector? metrics = null;
        try
        {
            app = Build(config, proxyConfig, workers, sockets);
            // Measured only when the primary serves /metrics: a listener costs on every request.
            metrics = config.MetricsUrls.Count > 0 ? CreateCollector(app.Services) : null;
            // Kestrel only calls listen() on the sockets bound above: nothing here blocks for long.
            app.StartAsync().GetAwaiter().GetResult();
            return new ProxyFront(app, urls, metrics);
        }
        catch (Exception e) when (e is not ClusterStartupException)
        {
            foreach (var socket in sockets.Values)
            {
                socket.Dispose();
            }
            metrics?.Dispose();
            (app as IDisposable)?.Dispose();
            throw new ClusterStartupException($"cannot start the proxy on {string.Join(", ", urls)}: {e.Message}", ExitCodes.Failure, e);
        }
    }

    private static MeterCollector CreateCollector(IServiceProvider services)
    {
        var factory = services.GetRequiredService<IMeterFactory>();
        var logger = services.GetRequiredService<ILogger<ProxyFront>>();
        return new MeterCollector(
            instrument => ReferenceEquals(instrument.Meter.Scope, factory) && Meters.Contains(instrument.Meter.Name),
            instrument => Log.FrontMetricSeriesCapped(logger, instrument.Name, InstrumentAggregation.MaxSeries));
    }

    /// <summary>The front's own series; empty when the primary serves no /metrics.</summary>
    public IReadOnlyList<MetricFamilySnapshot> CollectMetrics() => _metrics?.Collect() ?? [];

    private static WebApplication Build(ClusterHostConfig config, InMemoryConfigProvider proxyConfig, IWorkerEndpoints workers, Dictionary<IPEndPoint, Socket> sockets)
    {
        // Empty: no appsettings, environment or command line of its own; everything is set here.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(ProxyFront).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.WebHost.UseKestrelCore();
        builder.WebHost.UseSockets(transport => transport.CreateBoundListenSocket = endpoint =>
            endpoint is IPEndPoint ip && sockets.Remove(ip, out var socket)
                ? socket
                : SocketTransportOptions.CreateDefaultBoundListenSocket(endpoint));
        var endpoints = sockets.Keys.ToArray();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            // The worker's own Server header (if any) goes through; the proxy adds none.
            kestrel.AddServerHeader = false;
            // The workers' apps set their own limit (Kestrel's default is 30 MB); the front does not
            // impose a second, different one.
            kestrel.Limits.MaxRequestBodySize = null;
            foreach (var endpoint in endpoints)
            {
                kestrel.Listen(endpoint);
            }
        });

        builder.Logging.AddSimpleConsole(console =>
        {
            console.SingleLine = true;
            console.TimestampFormat = "HH:mm:ss.fff ";
        });
        builder.Logging.SetMinimumLevel(LogLevel.Information);
        // Kestrel and YARP log every request at Information; only their problems are of interest.
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        builder.Logging.AddFilter("Yarp", LogLevel.Warning);
        // Hosting starts an Activity (and a log scope) for every request whenever this category logs
        // at any level, and YARP's HTTP client then starts a child and injects its headers: they were
        // among the front's hottest methods. It logs only request starts and ends; problems are
        // logged by Kestrel and YARP. A client's own traceparent still reaches the worker untouched.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
        // Keys held in memory (see InMemoryKeyRepository) are not encrypted at rest: there is no rest.
        builder.Logging.AddFilter("Microsoft.AspNetCore.DataProtection", LogLevel.Error);

        builder.Services.AddSingleton<IHostLifetime, FrontHostLifetime>();
        // In-flight requests may finish within the same budget the workers have to drain.
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = config.ShutdownTimeout);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddMetrics();
        builder.Services.AddRouting();
        builder.Services.AddSingleton<IProxyConfigProvider>(proxyConfig);
        builder.Services.AddReverseProxy();
        builder.Services.Configure<KeyManagementOptions>(o => o.XmlRepository = new InMemoryKeyRepository());
        builder.Services.AddSingleton(workers);
        builder.Services.AddSingleton<IForwarderHttpClientFactory, WorkerHttpClientFactory>();
        builder.Services.AddSingleton<IPassiveHealthCheckPolicy, WorkerFailureHealthPolicy>();

        var app = builder.Build();
        app.MapReverseProxy(pipeline =>
        {
            pipeline.UseMiddleware<ConnectRetryMiddleware>();
            pipeline.UseLoadBalancing();
            pipeline.UsePassiveHealthChecks();
        });
        return app;
    }

    /// <summary>
    /// Binds every public endpoint here rather than in Kestrel: a port in use becomes one clear
    /// line, and port 0 is resolved once for all the addresses of a URL (Kestrel refuses
    /// <c>localhost:0</c>). Kestrel then listens on these very sockets.
    /// </summary>
    private static (Dictionary<IPEndPoint, Socket> Sockets, List<string> Urls) BindPublicEndpoints(ClusterHostConfig config)
    {
        var sockets = new Dictionary<IPEndPoint, Socket>();
        var urls = new List<string>();
        try
        {
            foreach (var url in config.Urls)
            {
                var port = url.Port;
                foreach (var address in url.Addresses)
                {
                    var socket = Bind(url, new IPEndPoint(address, port));
                    var bound = (IPEndPoint)socket.LocalEndPoint!;
                    port = bound.Port;
                    sockets.Add(new IPEndPoint(address, port), socket);
                }
                urls.Add((url with { Port = port }).ToString());
            }
        }
        catch
        {
            foreach (var socket in sockets.Values)
            {
                socket.Dispose();
            }
            throw;
        }
        return (sockets, urls);
    }

    private static Socket Bind(ListenUrl url, IPEndPoint endpoint)
    {
        var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (endpoint.Address.Equals(IPAddress.IPv6Any))
            {
                socket.DualMode = true;
            }
            // As Kestrel does on Linux: a port in TIME_WAIT can be bound again, one with a listener cannot.
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            socket.NoDelay = true;
            socket.Bind(endpoint);
            return socket;
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            socket.Dispose();
            throw new ClusterStartupException(
                $"{url} ({endpoint}) is already in use by another program; stop it or choose another port with --urls", ExitCodes.Failure, e);
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw new ClusterStartupException($"cannot bind {url} ({endpoint}): {e.Message}", ExitCodes.Failure, e);
        }
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
