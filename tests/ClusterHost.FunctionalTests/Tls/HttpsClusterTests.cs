using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using ClusterHost.FunctionalTests.Hosting;
using ClusterHost.FunctionalTests.Infrastructure;
using ClusterHost.FunctionalTests.Metrics;
using Grpc.Core;
using Grpc.Net.Client;
using GrpcGreeter;
using Xunit.Abstractions;

namespace ClusterHost.FunctionalTests.Tls;

/// <summary>
/// HTTPS in each mode with an ordinary gRPC app (tests/Apps/GrpcGreeter): HTTP/2 and HTTP/1.1 by
/// ALPN from both workers (curl), gRPC unary, streaming, deadline and cancellation, and a
/// certificate rotation under load: after SIGHUP every new connection presents the new serial,
/// no request fails, and a streaming call opened before the reload finishes on its old worker.
/// One cluster per mode for all of it.
/// </summary>
public sealed partial class HttpsClusterTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("reuseport")]
    [InlineData("proxy")]
    [InlineData("handoff")]
    public async Task Https_Http2_Grpc_AndRotationUnderLoad(string mode)
    {
        using var certificates = await TestCertificates.CreateAsync();
        var liveCertificate = Path.Combine(certificates.Folder, "live.pem");
        var liveKey = Path.Combine(certificates.Folder, "live.key");
        File.Copy(certificates.Certificate, liveCertificate);
        File.Copy(certificates.Key, liveKey);

        await using var primary = ClusterProcess.StartPrimary(output,
            "--app", TestApps.Dll(TestApps.GrpcGreeter), "--mode", mode, "--workers", "2", "--urls", "https://127.0.0.1:0",
            "--certificate", liveCertificate, "--certificate-key", liveKey, "--metrics-urls", "none", "--shutdown-timeout", "20");
        var (url, oldPids) = await primary.WaitForReadyAsync();
        Assert.Equal("https", url.Scheme);

        // ALPN: HTTP/2 from both workers, HTTP/1.1 when the client offers only that.
        var served = new HashSet<int>();
        for (var i = 0; i < 40 && served.Count < 2; i++)
        {
            var (pid, version) = await CurlAsync(certificates.Ca, url, "--http2");
            Assert.Equal("2", version);
            served.Add(pid);
        }
        Assert.Equal(oldPids.Order(), served.Order());
        Assert.Equal("1.1", (await CurlAsync(certificates.Ca, url, "--http1.1")).Version);

        using var channel = GrpcChannel.ForAddress(url, new GrpcChannelOptions { HttpHandler = TrustingHandler.Create(certificates.Ca) });
        var greeter = new Greeter.GreeterClient(channel);
        await CallsWorkAsync(greeter);

        // Rotation under load, with a streaming call in flight across the reload.
        var oldSerial = await certificates.ServedSerialAsync(url.Port);
        Assert.Equal(await certificates.SerialAsync(certificates.Certificate), oldSerial);
        var newSerial = await certificates.SerialAsync(certificates.RotatedCertificate);
        Assert.NotEqual(oldSerial, newSerial);
        await using var load = new TlsLoad(url, certificates.Ca, keepAliveClients: 2, freshConnectionClients: 2);
        await load.WaitForSuccessesAsync(100);
        // Long enough to be in flight when its worker is told to drain: the reload waits for it.
        // Its worker may be the second replaced, after two starts, so the stream lasts three of the
        // slowest start seen (8 s at least; 30 s at most, within --shutdown-timeout 20 after its drain).
        var slowestStartMs = primary.Lines.Select(l => ReadyInPattern().Match(l)).Where(m => m.Success)
            .Max(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));
        var intervalMs = Math.Clamp(3 * slowestStartMs / StreamedReplies, 200, 750);
        using var stream = greeter.Count(new CountRequest { Count = StreamedReplies, IntervalMs = intervalMs });
        Assert.True(await stream.ResponseStream.MoveNext());
        var streamPid = stream.ResponseStream.Current.Pid;
        var received = new List<(int Number, DateTime At)> { (1, DateTime.UtcNow) };
        var reading = ReadRestAsync(stream, streamPid, received);

        File.Copy(certificates.RotatedCertificate, liveCertificate, overwrite: true);
        File.Copy(certificates.RotatedKey, liveKey, overwrite: true);
        var before = primary.Lines.Count;
        primary.Signal(Signals.SIGHUP);
        await primary.WaitForLineAsync(new Regex($"replacing pid {streamPid} with pid"), after: before);
        var drainStarted = DateTime.UtcNow;
        await primary.WaitForLineAsync(new Regex("Reload finished: 2 workers replaced"), after: before);
        await load.WaitForSuccessesAsync(100);

        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(newSerial, await certificates.ServedSerialAsync(url.Port));
        }
        await reading;
        Assert.Equal(Enumerable.Range(1, StreamedReplies), received.Select(r => r.Number));
        Assert.True(received[^1].At > drainStarted, "the streaming call ended before its worker was replaced: it proves nothing");
        Assert.Equal(StatusCode.OK, stream.GetStatus().StatusCode);

        var newPids = NewPidPattern().Matches(string.Join('\n', primary.Lines.Skip(before)))
            .Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(2, newPids.Length);
        var reply = await greeter.SayHelloAsync(new HelloRequest { Name = "after" });
        Assert.Contains(reply.Pid, newPids);

        await load.StopAsync();
        output.WriteLine($"{mode}: {load.Succeeded} requests during the rotation, {load.Failures.Count} failed");
        Assert.Empty(load.Failures);
        primary.Signal(Signals.SIGTERM);
        Assert.Equal(0, await primary.WaitForExitAsync());
    }

    [Fact]
    public async Task ProtocolsHttp2_OnHttp_AnswersHttp2WithPriorKnowledge()
    {
        await using var primary = ClusterProcess.StartPrimary(output,
            "--app", TestApps.Dll(TestApps.GrpcGreeter), "--workers", "1", "--urls", "http://127.0.0.1:0", "--protocols", "http2", "--metrics-urls", "none");
        var (url, pids) = await primary.WaitForReadyAsync();

        var (pid, version) = await CurlAsync(null, url, "--http2-prior-knowledge");

        Assert.Equal("2", version);
        Assert.Equal(Assert.Single(pids), pid);
        primary.Signal(Signals.SIGTERM);
        Assert.Equal(0, await primary.WaitForExitAsync());
    }

    private const int StreamedReplies = 40;

    private static async Task ReadRestAsync(AsyncServerStreamingCall<CountReply> stream, int pid, List<(int Number, DateTime At)> received)
    {
        while (await stream.ResponseStream.MoveNext())
        {
            Assert.Equal(pid, stream.ResponseStream.Current.Pid);
            received.Add((stream.ResponseStream.Current.Number, DateTime.UtcNow));
        }
    }

    private static async Task CallsWorkAsync(Greeter.GreeterClient greeter)
    {
        var reply = await greeter.SayHelloAsync(new HelloRequest { Name = "cluster" });
        Assert.Equal("Hello cluster", reply.Message);
        Assert.Equal("https", reply.Scheme);
        Assert.Equal("HTTP/2", reply.Protocol);

        using var stream = greeter.Count(new CountRequest { Count = 5, IntervalMs = 10 });
        var numbers = new List<int>();
        while (await stream.ResponseStream.MoveNext())
        {
            numbers.Add(stream.ResponseStream.Current.Number);
        }
        Assert.Equal([1, 2, 3, 4, 5], numbers);

        var late = await Assert.ThrowsAsync<RpcException>(() =>
            greeter.SayHelloAsync(new HelloRequest { Name = "late", DelayMs = 10_000 }, deadline: DateTime.UtcNow.AddMilliseconds(300)).ResponseAsync);
        Assert.Equal(StatusCode.DeadlineExceeded, late.StatusCode);

        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var cancelled = await Assert.ThrowsAsync<RpcException>(() =>
            greeter.SayHelloAsync(new HelloRequest { Name = "cancelled", DelayMs = 10_000 }, cancellationToken: cancel.Token).ResponseAsync);
        Assert.Equal(StatusCode.Cancelled, cancelled.StatusCode);
    }

    /// <summary>One request on a new connection with curl; returns the pid answered and the HTTP version.</summary>
    private static async Task<(int Pid, string Version)> CurlAsync(string? ca, Uri url, string versionOption)
    {
        var startInfo = new ProcessStartInfo(RequiredTool.Find("curl", "curl"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            ArgumentList = { "-sS", "--max-time", "10", versionOption, "-w", "\n%{http_version} %{http_code}", url.ToString() },
        };
        if (ca is not null)
        {
            startInfo.ArgumentList.Add("--cacert");
            startInfo.ArgumentList.Add(ca);
        }
        using var process = Process.Start(startInfo)!;
        var stdout = await process.StandardOutput.ReadToEndAsync();
        var stderr = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"curl {versionOption} {url} failed: {stderr}");
        var lines = stdout.Split('\n');
        var status = lines[^1].Split(' ');
        Assert.Equal("200", status[1]);
        return (int.Parse(lines[0], CultureInfo.InvariantCulture), status[0]);
    }

    [GeneratedRegex(@"replacing pid \d+ with pid (\d+)")]
    private static partial Regex NewPidPattern();

    [GeneratedRegex(@"Worker \d+ \(pid \d+\) ready in (\d+) ms")]
    private static partial Regex ReadyInPattern();
}
