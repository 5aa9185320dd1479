using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace ClusterHost.FunctionalTests.Tls;

/// <summary>HTTP handlers that trust the test CA only (the system store knows nothing of it).</summary>
internal static class TrustingHandler
{
    /// <param name="ca">The CA certificate file.</param>
    /// <param name="freshConnections">True: every request on a new connection (a new TLS handshake).</param>
    public static SocketsHttpHandler Create(string ca, bool freshConnections = false)
    {
        var root = X509CertificateLoader.LoadCertificateFromFile(ca);
        var handler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                {
                    if (certificate is null)
                    {
                        return false;
                    }
                    using var chain = new X509Chain();
                    chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                    chain.ChainPolicy.CustomTrustStore.Add(root);
                    chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                    return chain.Build(new X509Certificate2(certificate));
                },
            },
            EnableMultipleHttp2Connections = true,
        };
        if (freshConnections)
        {
            handler.PooledConnectionLifetime = TimeSpan.Zero;
        }
        return handler;
    }
}
