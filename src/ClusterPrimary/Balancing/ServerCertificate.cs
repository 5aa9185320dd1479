using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using ClusterHost.Primary.Configuration;
using ClusterHost.Tls;
using Microsoft.Extensions.Logging;

namespace ClusterHost.Primary.Balancing;

/// <summary>
/// The https endpoints' certificate as the primary holds it: checked at start, read again from the
/// same files on SIGHUP (<see cref="TryReload"/>). The proxy front serves every new handshake from
/// <see cref="Context"/>, swapped whole on reload, so connections made before keep their
/// certificate and every one made after gets the new one. Workers read the files themselves when
/// they start; a reload that finds the files unusable is refused, so no worker is replaced by one
/// that cannot start.
/// </summary>
internal sealed class ServerCertificate(ClusterHostConfig config, TimeProvider time, ILogger<ServerCertificate> logger)
{
    private volatile SslStreamCertificateContext? _context;

    /// <summary>True when some URL is https.</summary>
    public bool IsConfigured => config.Certificate is not null;

    /// <summary>The certificate and its intermediates, ready for handshakes; loaded on first use.</summary>
    /// <exception cref="CertificateException">The files became unusable since start.</exception>
    public SslStreamCertificateContext Context => _context ?? Load();

    /// <summary>Loads the files now (the proxy front calls this at start).</summary>
    /// <exception cref="CertificateException">They are unusable.</exception>
    public SslStreamCertificateContext Load()
    {
        var files = config.Certificate ?? throw new InvalidOperationException("No URL is https.");
        var certificate = CertificateFileLoader.Load(files);
        try
        {
            if (CertificateFileLoader.FindProblem(certificate, files.CertificatePath, time.GetUtcNow()) is { } problem)
            {
                throw new CertificateException(problem);
            }
            // offline: the chain is built from what the files and the system store hold, never fetched.
            var context = SslStreamCertificateContext.Create(certificate, CertificateFileLoader.LoadIntermediates(files), offline: true);
            _context = context;
            Log.CertificateLoaded(logger, CertificateFileLoader.Describe(certificate), files.ToString());
            return context;
        }
        catch
        {
            certificate.Dispose();
            throw;
        }
    }

    /// <summary>
    /// On SIGHUP: reads the files again. False (logged, the last good certificate kept) when they
    /// are unusable; true when they are fine or no URL is https.
    /// </summary>
    public bool TryReload()
    {
        if (!IsConfigured)
        {
            return true;
        }
        try
        {
            Load();
            return true;
        }
        catch (CertificateException e)
        {
            Log.CertificateReloadFailed(logger, e.Message);
            return false;
        }
    }

    /// <summary>At start: a private key file that other users can read is worth a warning.</summary>
    public void WarnIfKeyExposed()
    {
        if (config.Certificate?.KeyPath is { } key && CertificateFileLoader.IsReadableByOthers(key))
        {
            Log.CertificateKeyReadableByOthers(logger, key);
        }
    }
}
