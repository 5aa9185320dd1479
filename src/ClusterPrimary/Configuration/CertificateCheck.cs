using ClusterHost.Tls;

namespace ClusterHost.Primary.Configuration;

/// <summary>
/// The start-up rules of TLS: an https URL needs a certificate, a certificate needs an https URL,
/// and the certificate must load with its key and be valid now. Each problem is one line naming
/// the file and the cause.
/// </summary>
internal static class CertificateCheck
{
    /// <summary>The certificate's files (full paths), or null when no URL is https or a problem was added to <paramref name="errors"/>.</summary>
    public static CertificateFiles? Check(ClusterHostOptions options, IReadOnlyList<ListenUrl> urls, DateTimeOffset now, ICollection<string> errors)
    {
        var https = urls.Where(url => url.Https).ToList();
        var path = string.IsNullOrWhiteSpace(options.Certificate) ? null : options.Certificate;
        var keyPath = string.IsNullOrWhiteSpace(options.CertificateKey) ? null : options.CertificateKey;
        if (https.Count == 0)
        {
            if (path is not null || keyPath is not null)
            {
                errors.Add($"--certificate is given but no --urls is https; add an https://IP:PORT URL or drop the certificate");
            }
            return null;
        }
        if (path is null)
        {
            errors.Add(keyPath is null
                ? $"--urls has {https[0]}, which needs a certificate: --certificate PATH (and --certificate-key PATH), or Kestrel:Certificates:Default in appsettings.json"
                : "--certificate-key is given without --certificate");
            return null;
        }

        var files = new CertificateFiles(
            Path.GetFullPath(path), keyPath is null ? null : Path.GetFullPath(keyPath), options.CertificatePassword);
        try
        {
            using var certificate = CertificateFileLoader.Load(files);
            if (CertificateFileLoader.FindProblem(certificate, files.CertificatePath, now) is { } problem)
            {
                errors.Add(problem);
                return null;
            }
        }
        catch (CertificateException e)
        {
            errors.Add(e.Message);
            return null;
        }
        return files;
    }
}
