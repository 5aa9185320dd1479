using System.Security.Cryptography.X509Certificates;
using ClusterHost.Tls;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace ClusterHost.Worker.Internal;

/// <summary>
/// TLS and HTTP versions of the endpoints a worker serves itself (reuseport, and any mode in which
/// a worker accepts public connections): every listen path hands its <see cref="ListenOptions"/>
/// to <see cref="ConfigurePublic"/>. The certificate is read once, when the worker starts, so a
/// rolling reload (SIGHUP) after the files were replaced brings every worker the new one, while
/// the draining workers finish their connections with the old.
/// </summary>
internal sealed class WorkerTls
{
    private readonly WorkerEnvironment _environment;
    private readonly X509Certificate2? _certificate;
    private readonly X509Certificate2Collection? _intermediates;

    private WorkerTls(WorkerEnvironment environment, X509Certificate2? certificate, X509Certificate2Collection? intermediates)
    {
        _environment = environment;
        _certificate = certificate;
        _intermediates = intermediates;
    }

    /// <summary>Reads the certificate, if the primary gave one.</summary>
    /// <exception cref="CertificateException">It cannot be loaded (the files changed since the primary checked them).</exception>
    public static WorkerTls Create(WorkerEnvironment environment) => environment.Certificate is { } files
        ? new(environment, CertificateFileLoader.Load(files), CertificateFileLoader.LoadIntermediates(files))
        : new(environment, null, null);

    /// <summary>
    /// A public endpoint: the HTTP versions of <c>--protocols</c>, and TLS (ALPN offering them)
    /// when the primary listed it as https (<see cref="WorkerEnvironment.IsHttps"/>).
    /// </summary>
    public void ConfigurePublic(ListenOptions listen, bool https)
    {
        listen.Protocols = EndpointProtocols.For(_environment.Protocols, https);
        if (!https)
        {
            return;
        }
        var certificate = _certificate
            ?? throw new InvalidOperationException($"ClusterWorker: {listen.EndPoint} is https but the primary gave no certificate.");
        listen.UseHttps(new HttpsConnectionAdapterOptions { ServerCertificate = certificate, ServerCertificateChain = _intermediates });
    }

    /// <summary>
    /// Behind the proxy: the private listener for requests that must stay HTTP/2 to the app (gRPC).
    /// Cleartext HTTP/2 needs an HTTP/2-only endpoint: with HTTP/1.1 also enabled, Kestrel answers
    /// HTTP/1.1 (nothing to choose by without ALPN).
    /// </summary>
    public static void ConfigureHttp2(ListenOptions listen) => listen.Protocols = HttpProtocols.Http2;
}
