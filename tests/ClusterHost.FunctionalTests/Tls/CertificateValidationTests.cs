using ClusterHost.FunctionalTests.Infrastructure;
using Xunit.Abstractions;

namespace ClusterHost.FunctionalTests.Tls;

/// <summary>Each unusable certificate stops the start with its own one-line message and exit code 2; no worker starts.</summary>
public sealed class CertificateValidationTests(ITestOutputHelper output) : IAsyncLifetime
{
    private TestCertificates _certificates = null!;

    public async Task InitializeAsync() => _certificates = await TestCertificates.CreateAsync();

    public Task DisposeAsync()
    {
        _certificates.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task EveryBadCertificate_PrintsItsOwnLine_ExitsTwo_StartsNothing()
    {
        var c = _certificates;
        var missing = Path.Combine(c.Folder, "missing.pem");
        var cases = new (string Expected, string[] Args)[]
        {
            ($"the certificate file '{missing}' does not exist", ["--certificate", missing, "--certificate-key", c.Key]),
            ($"the certificate key '{c.RotatedKey}' does not match the certificate '{c.Certificate}'", ["--certificate", c.Certificate, "--certificate-key", c.RotatedKey]),
            ($"the certificate '{c.Expired}' expired on ", ["--certificate", c.Expired, "--certificate-key", c.Key]),
            ($"the certificate '{c.NotYetValid}' is not valid until 2035-01-01 00:00:00 UTC", ["--certificate", c.NotYetValid, "--certificate-key", c.Key]),
            ($"the certificate '{c.Certificate}' has no private key in it; give its key file with --certificate-key", ["--certificate", c.Certificate]),
            ("--urls has https://127.0.0.1:0, which needs a certificate", []),
        };
        var seen = new HashSet<string>();
        foreach (var (expected, args) in cases)
        {
            await using var primary = ClusterProcess.StartPrimary(output, [.. args, "--urls", "https://127.0.0.1:0", "--metrics-urls", "none"]);

            Assert.Equal(2, await primary.WaitForExitAsync());
            var error = Assert.Single(primary.StandardError);
            Assert.Equal($"clusterhost: {expected}", error[..Math.Min(error.Length, expected.Length + 13)]);
            Assert.True(seen.Add(error), $"two cases print the same line: {error}");
            Assert.DoesNotContain(primary.Lines, l => l.Contains("starting (pid", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task CertificateWithoutHttpsUrl_ExitsTwo()
    {
        await using var primary = ClusterProcess.StartPrimary(output,
            "--certificate", _certificates.Certificate, "--certificate-key", _certificates.Key, "--urls", "http://127.0.0.1:0", "--metrics-urls", "none");

        Assert.Equal(2, await primary.WaitForExitAsync());
        Assert.Contains("--certificate is given but no --urls is https", Assert.Single(primary.StandardError), StringComparison.Ordinal);
    }
}
