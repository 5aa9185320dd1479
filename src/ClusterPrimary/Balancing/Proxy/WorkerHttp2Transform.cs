using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Transforms;
using Yarp.ReverseProxy.Transforms.Builder;

namespace ClusterHost.Primary.Balancing.Proxy;

/// <summary>
/// Sends requests to the workers over HTTP/2 (h2c, prior knowledge), to the chosen worker's own
/// HTTP/2 listener (<see cref="IWorkerEndpoints.Http2Address"/>): cleartext has no ALPN, and Kestrel
/// speaks h2c only on an HTTP/2-only endpoint. Upgrade requests (WebSockets) keep the cluster's
/// HTTP/1.1 to the worker's HTTP/1.1 listener. Balancing, health and draining are the cluster's as
/// for any request; the active health probes keep going to the HTTP/1.1 listener.
/// </summary>
/// <remarks>
/// Measured (loadtests/results/tuning.md): the front's requests multiplexed over a few HTTP/2
/// connections per worker cost less CPU per request than one HTTP/1.1 connection per request in
/// flight. gRPC needs HTTP/2 end to end (trailers, streams in both directions) and gets it here too.
/// </remarks>
internal sealed class WorkerHttp2Transform(IWorkerEndpoints endpoints) : ITransformProvider
{
    public void ValidateRoute(TransformRouteValidationContext context)
    {
    }

    public void ValidateCluster(TransformClusterValidationContext context)
    {
    }

    public void Apply(TransformBuilderContext context) => context.AddRequestTransform(transform =>
    {
        if (GoesOverHttp2(transform.HttpContext) && endpoints.Http2Address(transform.DestinationPrefix) is { } http2)
        {
            transform.ProxyRequest.Version = HttpVersion.Version20;
            transform.ProxyRequest.VersionPolicy = HttpVersionPolicy.RequestVersionExact;
            transform.ProxyRequest.RequestUri = RequestUtilities.MakeDestinationAddress(http2, transform.Path, transform.Query.QueryString);
        }
        return ValueTask.CompletedTask;
    });

    /// <summary>
    /// Every request but an upgrade: an HTTP/1.1 <c>Upgrade</c> (WebSockets) or an HTTP/2 extended
    /// CONNECT, which go to the worker as HTTP/1.1 upgrades.
    /// </summary>
    internal static bool GoesOverHttp2(HttpContext context) =>
        context.Features.Get<IHttpUpgradeFeature>() is not { IsUpgradableRequest: true }
        && context.Features.Get<IHttpExtendedConnectFeature>() is not { IsExtendedConnect: true };
}
