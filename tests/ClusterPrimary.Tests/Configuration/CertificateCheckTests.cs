using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ClusterHost.Primary.Configuration;
using Microsoft.Extensions.Configuration;

namespace ClusterHost.Primary.Tests.Configuration;

public sealed class CertificateCheckTests : IDisposable
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;
    private readonly string _directory = Directory.CreateTempSubdirectory("clusterhost-certs-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static IReadOnlyList<ListenUrl> Urls(string urls) => ListenUrlParser.Parse(urls, new List<string>(), allowHttps: true);

    /// <summary>A self-signed server certificate written as PEM certificate + PEM key; returns both paths.</summary>
    private (string Certificate, string Key) WritePem(string name, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        using var certificate = Create(notBefore, notAfter);
        var certificatePath = Path.Combine(_directory, name + ".pem");
        var keyPath = Path.Combine(_directory, name + ".key");
        File.WriteAllText(certificatePath, certificate.ExportCertificatePem());
        File.WriteAllText(keyPath, certificate.GetRSAPrivateKey()!.ExportPkcs8PrivateKeyPem());
        File.SetUnixFileMode(keyPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return (certificatePath, keyPath);
    }

    private static X509Certificate2 Create(DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        return request.CreateSelfSigned(notBefore, notAfter);
    }

    private static (CertificateFilesResult Files, List<string> Errors) Check(ClusterHostOptions options, string urls)
    {
        var errors = new List<string>();
        var files = CertificateCheck.Check(options, Urls(urls), Now, errors);
        return (new CertificateFilesResult(files?.CertificatePath, files?.KeyPath), errors);
    }

    private sealed record CertificateFilesResult(string? Certificate, string? Key);

    [Fact]
    public void ValidPemPair_ForAnHttpsUrl_IsAccepted()
    {
        var (certificate, key) = WritePem("valid", Now.AddDays(-1), Now.AddDays(30));

        var (files, errors) = Check(new ClusterHostOptions { Certificate = certificate, CertificateKey = key }, "https://127.0.0.1:0;http://127.0.0.1:0");

        Assert.Empty(errors);
        Assert.Equal(new CertificateFilesResult(certificate, key), files);
    }

    [Fact]
    public void HttpsUrl_WithoutCertificate_IsAnError()
    {
        var (_, errors) = Check(new ClusterHostOptions(), "https://127.0.0.1:8443");

        Assert.StartsWith("--urls has https://127.0.0.1:8443, which needs a certificate", Assert.Single(errors), StringComparison.Ordinal);
    }

    [Fact]
    public void Certificate_WithoutHttpsUrl_IsAnError()
    {
        var (certificate, key) = WritePem("valid", Now.AddDays(-1), Now.AddDays(30));

        var (_, errors) = Check(new ClusterHostOptions { Certificate = certificate, CertificateKey = key }, "http://127.0.0.1:0");

        Assert.StartsWith("--certificate is given but no --urls is https", Assert.Single(errors), StringComparison.Ordinal);
    }

    [Fact]
    public void ExpiredAndNotYetValid_AreTold()
    {
        var (expired, expiredKey) = WritePem("expired", Now.AddDays(-30), Now.AddDays(-1));
        var (future, futureKey) = WritePem("future", Now.AddDays(1), Now.AddDays(30));

        var (_, expiredErrors) = Check(new ClusterHostOptions { Certificate = expired, CertificateKey = expiredKey }, "https://127.0.0.1:0");
        var (_, futureErrors) = Check(new ClusterHostOptions { Certificate = future, CertificateKey = futureKey }, "https://127.0.0.1:0");

        Assert.StartsWith($"the certificate '{expired}' expired on ", Assert.Single(expiredErrors), StringComparison.Ordinal);
        Assert.StartsWith($"the certificate '{future}' is not valid until ", Assert.Single(futureErrors), StringComparison.Ordinal);
    }

    [Fact]
    public void KeyOfAnotherCertificate_IsAMismatch_AndAnythingElseIsNotAKey()
    {
        var (certificate, _) = WritePem("one", Now.AddDays(-1), Now.AddDays(30));
        var (_, otherKey) = WritePem("two", Now.AddDays(-1), Now.AddDays(30));

        var (_, mismatch) = Check(new ClusterHostOptions { Certificate = certificate, CertificateKey = otherKey }, "https://127.0.0.1:0");
        var (_, notAKey) = Check(new ClusterHostOptions { Certificate = certificate, CertificateKey = certificate }, "https://127.0.0.1:0");

        Assert.Equal($"the certificate key '{otherKey}' does not match the certificate '{certificate}'", Assert.Single(mismatch));
        Assert.StartsWith($"the certificate key '{certificate}' is not an unencrypted PEM private key", Assert.Single(notAKey), StringComparison.Ordinal);
    }

    [Fact]
    public void Pfx_TakesItsPasswordFromConfiguration_AndRefusesAKeyFile()
    {
        using var certificate = Create(Now.AddDays(-1), Now.AddDays(30));
        var pfx = Path.Combine(_directory, "server.pfx");
        File.WriteAllBytes(pfx, certificate.Export(X509ContentType.Pfx, "s3cret"));

        var (files, errors) = Check(new ClusterHostOptions { Certificate = pfx, CertificatePassword = "s3cret" }, "https://127.0.0.1:0");
        var (_, wrongPassword) = Check(new ClusterHostOptions { Certificate = pfx, CertificatePassword = "wrong" }, "https://127.0.0.1:0");
        var (_, withKey) = Check(new ClusterHostOptions { Certificate = pfx, CertificateKey = pfx, CertificatePassword = "s3cret" }, "https://127.0.0.1:0");

        Assert.Empty(errors);
        Assert.Equal(pfx, files.Certificate);
        Assert.StartsWith($"cannot read the PFX file '{pfx}'", Assert.Single(wrongPassword), StringComparison.Ordinal);
        Assert.Contains("is a PFX file, which carries its own key", Assert.Single(withKey), StringComparison.Ordinal);
    }

    [Fact]
    public void MissingFile_IsTold()
    {
        var missing = Path.Combine(_directory, "missing.pem");

        var (_, errors) = Check(new ClusterHostOptions { Certificate = missing }, "https://127.0.0.1:0");

        Assert.Equal($"the certificate file '{missing}' does not exist", Assert.Single(errors));
    }

    [Fact]
    public void KestrelDefaultCertificate_IsUsedWithoutCertificateOption_AndThePasswordIsNoSwitch()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Kestrel:Certificates:Default:Path"] = "/etc/ssl/site.pfx",
            ["Kestrel:Certificates:Default:Password"] = "from-kestrel",
            ["Cluster:CertificatePassword"] = "from-cluster",
        }).Build();
        var errors = new List<string>();

        var options = ClusterHostOptionsBinder.Bind(configuration, errors);
        var commandLine = ClusterCommandLine.Parse(["--certificate-password", "visible-in-ps"]);

        Assert.Empty(errors);
        Assert.Equal("/etc/ssl/site.pfx", options.Certificate);
        Assert.Equal("from-cluster", options.CertificatePassword);
        Assert.StartsWith("unknown option '--certificate-password'", Assert.Single(commandLine.Errors), StringComparison.Ordinal);
    }

    [Fact]
    public void HttpsUrls_DefaultToPort443_AndAreMarked()
    {
        var url = Assert.Single(Urls("https://127.0.0.1"));

        Assert.True(url.Https);
        Assert.Equal(443, url.Port);
        Assert.Equal([IPAddress.Loopback], url.Addresses);
        Assert.Equal("https://127.0.0.1:443", url.ToString());
    }
}
