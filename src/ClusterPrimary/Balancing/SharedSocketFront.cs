using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.Versioning;
using ClusterHost.Control;
using ClusterHost.Primary.Configuration;
using ClusterHost.Primary.Platform;
using ClusterHost.Primary.Supervision;
using Microsoft.Extensions.Logging;

namespace ClusterHost.Primary.Balancing;

/// <summary>
/// <c>shared</c>: the primary holds one listening socket per public endpoint, bound once
/// without SO_REUSEPORT (or passed by systemd), and every worker inherits it and accepts from
/// its one kernel queue: Node cluster's SCHED_NONE, gunicorn, Puma, nginx without
/// <c>reuseport</c>. Whichever worker is waiting when a connection arrives takes it; a
/// connection belongs to one worker for its life.
/// </summary>
/// <remarks>
/// The socket listens from start, so connections made while no worker is ready (at start, or
/// when every worker restarts) wait in its backlog instead of being refused; the workers'
/// Kestrel takes them over by descriptor (<see cref="WorkerListenModes.Inherited"/>). Draining a
/// worker closes only its copy: the queue and every other worker's copy are untouched, so
/// nothing queued is lost. The primary closes its copies after the workers have drained. Each
/// worker terminates TLS on the https sockets itself (<see cref="WorkerTlsEnvironment"/>), as in
/// reuseport.
/// </remarks>
[SupportedOSPlatform("linux")]
internal sealed class SharedSocketFront(
    ClusterHostConfig config, ServerCertificate certificate, InheritedListeners inherited, ILogger<SharedSocketFront> logger)
    : IClusterFront, IDisposable
{
    /// <summary>The listen backlog of a socket the primary binds itself: Kestrel's default, 512.</summary>
    internal const int Backlog = 512;

    private readonly List<Socket> _sockets = [];
    private IReadOnlyList<string> _urls = [];
    private IReadOnlySet<IPEndPoint> _https = new HashSet<IPEndPoint>();

    public BalancingMode Mode => BalancingMode.Shared;

    public IReadOnlyList<string> Urls => _urls;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (certificate.IsConfigured)
        {
            // The workers read the files; this says which certificate they will serve.
            certificate.Load();
            certificate.WarnIfKeyExposed();
        }
        using var endpoints = config.Activation.IsActive
            ? ActivatedEndpoints.Adopt(config.Activation, config.Urls)
            : PublicEndpointBinder.Bind(config.Urls, BindAndListen);
        foreach (var endpoint in endpoints.Endpoints)
        {
            var socket = endpoints.Take(endpoint)!;
            _sockets.Add(socket);
            inherited.Share(socket);
        }
        _urls = endpoints.Urls;
        _https = endpoints.HttpsEndpoints;
        if (config.Activation.IsActive)
        {
            Log.ServingActivatedSockets(logger, _sockets.Count, string.Join(", ", _urls));
        }
        return Task.CompletedTask;
    }

    private static Socket BindAndListen(IPEndPoint endpoint)
    {
        var socket = PublicEndpointBinder.BindListener(endpoint);
        try
        {
            socket.Listen(Backlog);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public void ConfigureWorker(WorkerInstance instance, IDictionary<string, string?> environment)
    {
        if (_sockets.Count == 0)
        {
            throw new InvalidOperationException("StartAsync() first.");
        }
        environment[WorkerEnvironmentVariables.ListenMode] = WorkerListenModes.Inherited;
        environment[WorkerEnvironmentVariables.Listen] =
            string.Join(';', inherited.Descriptors.Select(fd => fd.ToString(CultureInfo.InvariantCulture)));
        WorkerTlsEnvironment.Apply(config, _https, environment);
    }

    // The kernel hands each connection to whichever worker accepts first; nothing to route.
    public void WorkerReady(WorkerInstance instance)
    {
    }

    public void WorkerLeaving(WorkerInstance instance)
    {
    }

    // Each worker closes its own copy when it drains; the primary's copies close at Dispose, after the drain.
    public Task StopAcceptingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose()
    {
        foreach (var socket in _sockets)
        {
            socket.Dispose();
        }
        _sockets.Clear();
    }

    public override string ToString() => $"shared on {string.Join(", ", _urls)}";
}
