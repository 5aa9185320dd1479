using System.Net;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Transforms;
using Yarp.ReverseProxy.Transforms.Builder;

namespace ClusterHost.Primary.Balancing.Proxy;

/// <summary>
/// Sends gRPC calls to the workers over HTTP/2, whatever the cluster's version to the workers
/// (HTTP/1.1): gRPC needs HTTP/2 end to end (trailers, streams in both directions). The call goes
/// to the chosen worker's own HTTP/2 listener (<see cref="IWorkerEndpoints.Http2Address"/>) with
/// prior knowledge: cleartext has no ALPN, and Kestrel speaks h2c only on an HTTP/2-only endpoint.
/// Balancing, health and draining are the cluster's as for any request.
/// </summary>
internal sealed class GrpcOverHttp2Transform(IWorkerEndpoints endpoints) : ITransformProvider
{
    public void ValidateRoute(TransformRouteValidationContext context)
    {
    }

    public void ValidateCluster(TransformClusterValidationContext context)
    {
    }

    public void Apply(TransformBuilderContext context) => context.AddRequestTransform(transform =>
    {
        if (IsGrpc(transform.HttpContext.Request.ContentType) && endpoints.Http2Address(transform.DestinationPrefix) is { } http2)
        {
            transform.ProxyRequest.Version = HttpVersion.Version20;
            transform.ProxyRequest.VersionPolicy = HttpVersionPolicy.RequestVersionExact;
            transform.ProxyRequest.RequestUri = RequestUtilities.MakeDestinationAddress(http2, transform.Path, transform.Query.QueryString);
        }
        return ValueTask.CompletedTask;
    });

    /// <summary>
    /// <c>application/grpc</c>, <c>application/grpc+proto</c>, ...; not gRPC-Web
    /// (<c>application/grpc-web</c>), which is made for HTTP/1.1.
    /// </summary>
    internal static bool IsGrpc(string? contentType) =>
        contentType is not null
        && contentType.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase)
        && (contentType.Length == "application/grpc".Length || contentType["application/grpc".Length] is '+' or ';');
}
