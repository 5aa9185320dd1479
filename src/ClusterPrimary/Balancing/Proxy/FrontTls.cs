using System.Net.Security;
using ClusterHost.Tls;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace ClusterHost.Primary.Balancing.Proxy;

/// <summary>
/// TLS and HTTP versions of the proxy front's public endpoints. Each handshake takes the
/// certificate context <see cref="ServerCertificate"/> holds at that moment, so a reload (SIGHUP)
/// reaches every new connection at once and none already open. ALPN offers what
/// <c>--protocols</c> allows (Kestrel copies the endpoint's protocols into the callback options).
/// </summary>
internal static class FrontTls
{
    public static void Configure(ListenOptions listen, bool https, ListenProtocols protocols, ServerCertificate certificate)
    {
        listen.Protocols = EndpointProtocols.For(protocols, https);
        if (!https)
        {
            return;
        }
        listen.UseHttps(new TlsHandshakeCallbackOptions
        {
            OnConnection = _ => ValueTask.FromResult(new SslServerAuthenticationOptions
            {
                ServerCertificateContext = certificate.Context,
            }),
        });
    }
}
