using System.Diagnostics;
using System.Text.RegularExpressions;
using ClusterHost.FunctionalTests.Infrastructure;
using ClusterHost.FunctionalTests.Metrics;

namespace ClusterHost.FunctionalTests.Tls;

/// <summary>
/// A throw-away CA and server certificates for 127.0.0.1, made with <c>openssl</c> in a fresh
/// temporary directory (deleted on dispose): nothing secret is committed. Keys are mode 0600.
/// </summary>
internal sealed partial class TestCertificates : IDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly string _openssl = RequiredTool.Find("openssl", "openssl");

    private TestCertificates()
    {
    }

    public string Folder => _directory.Path;

    /// <summary>The CA certificate clients trust (<c>curl --cacert</c>).</summary>
    public string Ca => _directory.File("ca.pem");

    /// <summary>A valid certificate (1 day) and its key.</summary>
    public string Certificate => _directory.File("server.pem");

    public string Key => _directory.File("server.key");

    /// <summary>Another valid certificate with its own key and serial: the one a rotation installs.</summary>
    public string RotatedCertificate => _directory.File("rotated.pem");

    public string RotatedKey => _directory.File("rotated.key");

    /// <summary>Expired yesterday (key: <see cref="Key"/>).</summary>
    public string Expired => _directory.File("expired.pem");

    /// <summary>Valid only from 2035 on (key: <see cref="Key"/>).</summary>
    public string NotYetValid => _directory.File("future.pem");

    public static async Task<TestCertificates> CreateAsync()
    {
        var certificates = new TestCertificates();
        try
        {
            await certificates.MakeAsync();
            return certificates;
        }
        catch
        {
            certificates.Dispose();
            throw;
        }
    }

    private async Task MakeAsync()
    {
        File.WriteAllText(_directory.File("server.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n");
        await RunAsync("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=ClusterHost Test CA");
        await SignAsync("server", "1");
        await SignAsync("rotated", "1");
        await RunAsync("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-out", "expired.pem", "-days", "-1", "-extfile", "server.ext");
        // openssl 3.0's x509 cannot start a certificate in the future; its ca command can.
        File.WriteAllText(_directory.File("ca.cnf"),
            "[ ca ]\ndefault_ca = test\n[ test ]\ndatabase = index.txt\nnew_certs_dir = .\nserial = serial\ndefault_md = sha256\npolicy = any\nunique_subject = no\n[ any ]\ncommonName = supplied\n");
        File.WriteAllText(_directory.File("index.txt"), "");
        File.WriteAllText(_directory.File("serial"), "01\n");
        await RunAsync("ca", "-batch", "-config", "ca.cnf", "-cert", "ca.pem", "-keyfile", "ca.key", "-in", "server.csr", "-out", "future.pem",
            "-startdate", "350101000000Z", "-enddate", "350201000000Z", "-notext");
        foreach (var key in System.IO.Directory.EnumerateFiles(_directory.Path, "*.key"))
        {
            File.SetUnixFileMode(key, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }

    private async Task SignAsync(string name, string days)
    {
        await RunAsync("req", "-newkey", "rsa:2048", "-nodes", "-keyout", $"{name}.key", "-out", $"{name}.csr", "-subj", "/CN=127.0.0.1");
        await RunAsync("x509", "-req", "-in", $"{name}.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", $"{name}.pem",
            "-days", days, "-extfile", "server.ext");
    }

    /// <summary>The serial of a certificate file, as openssl prints it (upper-case hex).</summary>
    public Task<string> SerialAsync(string certificate) => SerialOfAsync(["x509", "-in", certificate, "-noout", "-serial"], null);

    /// <summary>
    /// The serial of the certificate <paramref name="port"/> on 127.0.0.1 presents on a new TLS
    /// connection (<c>openssl s_client</c>).
    /// </summary>
    public async Task<string> ServedSerialAsync(int port)
    {
        var (output, _) = await RunToolAsync(_openssl, ["s_client", "-connect", $"127.0.0.1:{port}", "-CAfile", Ca, "-verify_return_error"], "Q\n");
        var pem = PemPattern().Match(output);
        Assert.True(pem.Success, $"openssl s_client got no certificate:\n{output}");
        return await SerialOfAsync(["x509", "-noout", "-serial"], pem.Value);
    }

    private async Task<string> SerialOfAsync(string[] args, string? input)
    {
        var (output, _) = await RunToolAsync(_openssl, args, input);
        var serial = SerialPattern().Match(output);
        Assert.True(serial.Success, $"no serial in: {output}");
        return serial.Groups[1].Value;
    }

    private async Task RunAsync(params string[] args)
    {
        var (output, exitCode) = await RunToolAsync(_openssl, args, null);
        Assert.True(exitCode == 0, $"openssl {string.Join(' ', args)} failed:\n{output}");
    }

    private async Task<(string Output, int ExitCode)> RunToolAsync(string tool, IEnumerable<string> args, string? input)
    {
        var startInfo = new ProcessStartInfo(tool)
        {
            WorkingDirectory = _directory.Path,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            startInfo.ArgumentList.Add(arg);
        }
        using var process = Process.Start(startInfo)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (input is not null)
        {
            await process.StandardInput.WriteAsync(input);
        }
        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        return (await stdout + await stderr, process.ExitCode);
    }

    public void Dispose() => _directory.Dispose();

    [GeneratedRegex(@"-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----")]
    private static partial Regex PemPattern();

    [GeneratedRegex(@"serial=([0-9A-F]+)")]
    private static partial Regex SerialPattern();
}
