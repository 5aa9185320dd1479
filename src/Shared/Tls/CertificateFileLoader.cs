using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ClusterHost.Tls;

/// <summary>
/// Loads the server certificate with its private key from <see cref="CertificateFiles"/> (the BCL's
/// PEM and PKCS#12 readers; no parsing of our own), and tells every way it can be unusable apart,
/// one line each: the primary checks it at start and on reload, a worker loads it when it starts.
/// </summary>
internal static class CertificateFileLoader
{
    private const string ServerAuthentication = "1.3.6.1.5.5.7.3.1";

    /// <summary>The certificate with its private key.</summary>
    /// <exception cref="CertificateException">A file is missing or unreadable, the key is absent or does not match.</exception>
    public static X509Certificate2 Load(CertificateFiles files)
    {
        RequireReadable(files.CertificatePath, "certificate");
        if (files.KeyPath is not null)
        {
            RequireReadable(files.KeyPath, "certificate key");
        }
        var certificate = files.IsPfx ? LoadPfx(files) : LoadPem(files);
        if (!certificate.HasPrivateKey)
        {
            certificate.Dispose();
            throw new CertificateException($"the certificate '{files.CertificatePath}' has no private key");
        }
        return certificate;
    }

    /// <summary>
    /// The certificates after the first in a PEM file (a <c>fullchain.pem</c>'s intermediates), sent
    /// in the handshake after the server's own; empty for a PFX or a lone certificate.
    /// </summary>
    public static X509Certificate2Collection LoadIntermediates(CertificateFiles files)
    {
        var chain = new X509Certificate2Collection();
        if (!files.IsPfx)
        {
            chain.ImportFromPemFile(files.CertificatePath);
            if (chain.Count > 0)
            {
                chain.RemoveAt(0);
            }
        }
        return chain;
    }

    /// <summary>Why <paramref name="certificate"/> cannot serve TLS at <paramref name="now"/>, or null when it can.</summary>
    public static string? FindProblem(X509Certificate2 certificate, string path, DateTimeOffset now)
    {
        var notAfter = new DateTimeOffset(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero);
        var notBefore = new DateTimeOffset(certificate.NotBefore.ToUniversalTime(), TimeSpan.Zero);
        if (now > notAfter)
        {
            return $"the certificate '{path}' expired on {Format(notAfter)}";
        }
        if (now < notBefore)
        {
            return $"the certificate '{path}' is not valid until {Format(notBefore)}";
        }
        // Kestrel refuses a certificate whose extended key usage excludes server authentication.
        foreach (var usage in certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>())
        {
            if (!usage.EnhancedKeyUsages.Cast<Oid>().Any(oid => oid.Value == ServerAuthentication))
            {
                return $"the certificate '{path}' is not for server authentication (its extended key usage lacks serverAuth)";
            }
        }
        return null;
    }

    /// <summary>A short description for the log: subject, serial and expiry.</summary>
    public static string Describe(X509Certificate2 certificate) =>
        $"{certificate.Subject} (serial {certificate.SerialNumber}, valid until {Format(new DateTimeOffset(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero))})";

    /// <summary>True when a private key file may be read by users other than its owner (mode g+r or o+r).</summary>
    public static bool IsReadableByOthers(string keyPath) =>
        !OperatingSystem.IsWindows()
        && (File.GetUnixFileMode(keyPath) & (UnixFileMode.GroupRead | UnixFileMode.OtherRead)) != 0;

    private static X509Certificate2 LoadPfx(CertificateFiles files)
    {
        if (files.KeyPath is not null)
        {
            throw new CertificateException($"the certificate '{files.CertificatePath}' is a PFX file, which carries its own key; give no --certificate-key with it");
        }
        try
        {
#if NET9_0_OR_GREATER
            return X509CertificateLoader.LoadPkcs12FromFile(files.CertificatePath, files.Password);
#else
            return new X509Certificate2(files.CertificatePath, files.Password);
#endif
        }
        catch (CryptographicException e)
        {
            throw new CertificateException(
                $"cannot read the PFX file '{files.CertificatePath}' ({FirstLine(e.Message)}); is the password (Cluster__CertificatePassword) right?", e);
        }
    }

    private static X509Certificate2 LoadPem(CertificateFiles files)
    {
        try
        {
            // With no key file, the key is read from the certificate's own file.
            return X509Certificate2.CreateFromPemFile(files.CertificatePath, files.KeyPath);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            throw Explain(files, e);
        }
    }

    /// <summary>Tells a certificate that is not PEM, a key that is not a key, and a key of another certificate apart.</summary>
    private static CertificateException Explain(CertificateFiles files, Exception e)
    {
        X509Certificate2 publicOnly;
        try
        {
            publicOnly = X509Certificate2.CreateFromPem(File.ReadAllText(files.CertificatePath));
        }
        catch (Exception inner) when (inner is CryptographicException or ArgumentException)
        {
            return new CertificateException($"the certificate '{files.CertificatePath}' is not a PEM certificate (-----BEGIN CERTIFICATE-----) nor a .pfx/.p12 file", e);
        }
        using (publicOnly)
        {
            if (files.KeyPath is null)
            {
                return new CertificateException($"the certificate '{files.CertificatePath}' has no private key in it; give its key file with --certificate-key", e);
            }
            if (!HoldsPrivateKey(File.ReadAllText(files.KeyPath)))
            {
                return new CertificateException($"the certificate key '{files.KeyPath}' is not an unencrypted PEM private key (RSA or EC)", e);
            }
            return new CertificateException($"the certificate key '{files.KeyPath}' does not match the certificate '{files.CertificatePath}'", e);
        }
    }

    private static bool HoldsPrivateKey(string pem)
    {
        foreach (var create in new Func<AsymmetricAlgorithm>[] { RSA.Create, ECDsa.Create })
        {
            using var key = create();
            try
            {
                key.ImportFromPem(pem);
                return true;
            }
            catch (Exception e) when (e is CryptographicException or ArgumentException)
            {
            }
        }
        return false;
    }

    private static void RequireReadable(string path, string what)
    {
        if (Directory.Exists(path))
        {
            throw new CertificateException($"the {what} '{path}' is a directory, not a file");
        }
        if (!File.Exists(path))
        {
            throw new CertificateException($"the {what} file '{path}' does not exist");
        }
        try
        {
            using var stream = File.OpenRead(path);
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw new CertificateException($"the {what} file '{path}' cannot be read: {FirstLine(e.Message)}", e);
        }
    }

    private static string FirstLine(string text) => text.Split('\n', 2)[0].Trim();

    private static string Format(DateTimeOffset time) => time.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);
}
