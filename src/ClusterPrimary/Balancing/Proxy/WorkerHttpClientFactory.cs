using System.Diagnostics.Metrics;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Forwarder;

namespace ClusterHost.Primary.Balancing.Proxy;

/// <summary>
/// YARP's HTTP client to the workers (proxied requests; nothing probes the workers): YARP's
/// defaults, plus a connect callback that reaches Unix-socket workers by their destination host
/// name, and the front's meter factory, so its metrics are the proxy server's (<see cref="ProxyServer.Meters"/>).
/// </summary>
internal sealed class WorkerHttpClientFactory(IWorkerEndpoints endpoints, IMeterFactory meterFactory, ILogger<ForwarderHttpClientFactory> logger)
    : ForwarderHttpClientFactory(logger)
{
    protected override void ConfigureHandler(ForwarderHttpClientContext context, SocketsHttpHandler handler)
    {
        base.ConfigureHandler(context, handler);
        handler.MeterFactory = meterFactory;
        if (endpoints.NeedsConnectCallback)
        {
            handler.ConnectCallback = ConnectAsync;
        }
    }

    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var endpoint = endpoints.Resolve(context.DnsEndPoint.Host)
            ?? throw new SocketException((int)SocketError.HostNotFound);
        var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(endpoint, cancellationToken).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
