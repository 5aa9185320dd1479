using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace ClusterHost.Tls;

/// <summary>What Kestrel serves on one endpoint for a <see cref="ListenProtocols"/> choice.</summary>
internal static class EndpointProtocols
{
    /// <summary>
    /// Kestrel's protocols for an endpoint. On cleartext, Kestrel answers HTTP/1.1 whenever HTTP/1.1
    /// is enabled ("ambiguous without ALPN"), so <see cref="ListenProtocols.Http1And2"/> is HTTP/1.1
    /// there, said plainly instead of Kestrel's start-up notice; h2c needs <see cref="ListenProtocols.Http2"/>.
    /// </summary>
    public static HttpProtocols For(ListenProtocols protocols, bool https) => protocols switch
    {
        ListenProtocols.Http1 => HttpProtocols.Http1,
        ListenProtocols.Http2 => HttpProtocols.Http2,
        _ => https ? HttpProtocols.Http1AndHttp2 : HttpProtocols.Http1,
    };
}
