using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using ClusterHost.FunctionalTests.Infrastructure;
using ClusterHost.FunctionalTests.Supervision;
using Xunit.Abstractions;

namespace ClusterHost.FunctionalTests.Balancing;

/// <summary>Proxy mode (issue 3): the primary's YARP front balances each request across the workers.</summary>
public sealed class ProxyModeTests(ITestOutputHelper output)
{
    private ClusterProcess StartProxy(params string[] args) =>
        ClusterProcess.StartPrimary(output, ["--mode", "proxy", "--workers", "2", "--urls", "http://127.0.0.1:0", .. args]);

    /// <summary>One HTTP/1.1 keep-alive connection to the front; <paramref name="connections"/>[0] counts the connections opened.</summary>
    private static HttpClient KeepAliveClient(Uri url, int[]? connections = null) =>
        new(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = 1,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            ConnectCallback = async (context, cancellationToken) =>
            {
                if (connections is not null)
                {
                    Interlocked.Increment(ref connections[0]);
                }
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        })
        {
            BaseAddress = url,
            Timeout = ClusterProcess.Patience,
        };

    /// <summary>SIGTERM, so the primary removes its runtime directory (a kill leaves it to the next primary's sweep).</summary>
    private static async Task StopAsync(ClusterProcess primary)
    {
        primary.Signal(Signals.SIGTERM);
        Assert.Equal(0, await primary.WaitForExitAsync());
    }

    private static Task<Match> InRotationAsync(ClusterProcess primary, int workerId, int after = 0) =>
        primary.WaitForLineAsync(new Regex($@"Proxy: worker {workerId} in rotation as (w{workerId}-\d+)"), after: after);

    // Acceptance 1.
    [Theory]
    [InlineData("unix")]
    [InlineData("tcp")]
    public async Task RoundRobin_TwentyRequestsOnOneKeepAliveConnection_AreAnsweredByBothWorkers(string transport)
    {
        await using var primary = StartProxy("--proxy-transport", transport);
        var (url, pids) = await primary.WaitForReadyAsync();
        var connections = new int[1];
        using var client = KeepAliveClient(url, connections);

        var answers = new List<WorkerAnswer>();
        for (var i = 0; i < 20; i++)
        {
            answers.Add((await client.GetFromJsonAsync<WorkerAnswer>("/"))!);
        }

        output.WriteLine($"workers in order: {string.Join("", answers.Select(a => a.Worker))}; client connections: {connections[0]}");
        Assert.Equal(1, connections[0]);
        Assert.Equal(pids.Order(), answers.Select(a => a.Pid).Distinct().Order());
        Assert.All(answers.GroupBy(a => a.Worker), worker =>
        {
            // Balanced request by request: round-robin over two gives each about half.
            Assert.InRange(worker.Count(), 8, 12);
            // Keep-alive on the workers' side too: the proxy reuses its connection to each worker.
            Assert.InRange(worker.Select(a => a.Connection).Distinct().Count(), 1, 2);
        });
        await StopAsync(primary);
    }

    // Acceptance 2.
    [Fact]
    public async Task KilledWorker_AtMostOneOfFiftyRequestsFails_TheSurvivorServesUntilTheReplacementIsReady()
    {
        await using var primary = StartProxy();
        var (url, _) = await primary.WaitForReadyAsync();
        var killed = await WorkerRestartTests.ReadyPidAsync(primary, 0);
        var survivor = await WorkerRestartTests.ReadyPidAsync(primary, 1);
        using var client = KeepAliveClient(url);
        for (var i = 0; i < 4; i++)
        {
            await client.GetAsync("/"); // both workers have served through the front
        }
        var linesBefore = primary.Lines.Count;

        Signals.Send(killed, Signals.SIGKILL);
        var clock = Stopwatch.StartNew();
        var failures = new List<string>();
        var answeredBy = new List<int>();
        for (var i = 0; i < 50; i++)
        {
            try
            {
                using var response = await client.GetAsync("/");
                if (response.IsSuccessStatusCode)
                {
                    answeredBy.Add((await response.Content.ReadFromJsonAsync<WorkerAnswer>())!.Pid);
                }
                else
                {
                    failures.Add($"request {i}: {(int)response.StatusCode}");
                }
            }
            catch (HttpRequestException e)
            {
                failures.Add($"request {i}: {e.Message}");
            }
        }
        var fiftyTook = clock.Elapsed;

        var replacement = int.Parse(
            (await primary.WaitForLineAsync(new Regex(@"Worker 0 \(pid (\d+)\) ready"), after: linesBefore)).Groups[1].Value,
            CultureInfo.InvariantCulture);
        await InRotationAsync(primary, 0, linesBefore);
        var untilReplacement = clock.Elapsed;
        var afterReady = 0;
        var replacementServed = false;
        for (; afterReady < 100 && !replacementServed; afterReady++)
        {
            replacementServed = (await client.GetFromJsonAsync<WorkerAnswer>("/"))!.Pid == replacement;
        }

        var retries = primary.Lines.Count(l => l.Contains("Proxy: retrying", StringComparison.Ordinal));
        output.WriteLine($"after SIGKILL: {failures.Count} of 50 failed [{string.Join("; ", failures)}], "
            + $"{answeredBy.Count(p => p == survivor)} answered by the survivor, {answeredBy.Count(p => p == replacement)} by the replacement, "
            + $"in {fiftyTook.TotalMilliseconds:F0} ms; {retries} retried on the survivor; replacement ready after {untilReplacement.TotalMilliseconds:F0} ms "
            + $"and answered request {afterReady} after that");
        Assert.True(failures.Count <= 1, $"{failures.Count} of 50 requests failed: {string.Join("; ", failures)}");
        Assert.DoesNotContain(killed, answeredBy);
        Assert.All(answeredBy, pid => Assert.True(pid == survivor || pid == replacement, $"answered by pid {pid}"));
        Assert.True(replacementServed, "the replacement worker received no traffic within 100 requests after it was ready");
        await StopAsync(primary);
    }

    // Acceptance 3, and the forwarded headers.
    [Fact]
    public async Task WebSocketEcho_TenMegabyteUpload_AndForwardedHeaders_PassThroughTheFront()
    {
        await using var primary = StartProxy();
        var (url, _) = await primary.WaitForReadyAsync();

        using (var socket = new ClientWebSocket())
        {
            await socket.ConnectAsync(new Uri($"ws://{url.Authority}/ws"), CancellationToken.None);
            var text = Encoding.UTF8.GetBytes("hello through the proxy");
            var binary = RandomNumberGenerator.GetBytes(100_000);
            foreach (var (message, type) in new[] { (text, WebSocketMessageType.Text), (binary, WebSocketMessageType.Binary) })
            {
                await socket.SendAsync(message, type, endOfMessage: true, CancellationToken.None);
                Assert.Equal(message, await ReceiveMessageAsync(socket, type));
            }
            await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);
            Assert.Equal(WebSocketCloseStatus.NormalClosure, socket.CloseStatus);
        }

        using var client = KeepAliveClient(url);
        var body = RandomNumberGenerator.GetBytes(10 * 1024 * 1024);
        using var upload = await client.PostAsync("/upload", new ByteArrayContent(body));
        upload.EnsureSuccessStatusCode();
        using var uploaded = JsonDocument.Parse(await upload.Content.ReadAsStringAsync());
        Assert.Equal(body.Length, uploaded.RootElement.GetProperty("bytes").GetInt64());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(body)), uploaded.RootElement.GetProperty("sha256").GetString());

        // Over a Unix socket the worker has no peer address: the client's can only come from X-Forwarded-For.
        using var echo = JsonDocument.Parse(await client.GetStringAsync("/request"));
        Assert.Equal("127.0.0.1", echo.RootElement.GetProperty("remoteIp").GetString());
        Assert.Equal("http", echo.RootElement.GetProperty("scheme").GetString());
        Assert.Equal(url.Authority, echo.RootElement.GetProperty("host").GetString());
        var headers = echo.RootElement.GetProperty("headers");
        Assert.Equal("http", headers.GetProperty("X-Original-Proto").GetString());
        Assert.Equal(url.Authority, headers.GetProperty("X-Original-Host").GetString());
        await StopAsync(primary);
    }

    private static async Task<byte[]> ReceiveMessageAsync(ClientWebSocket socket, WebSocketMessageType expectedType)
    {
        var message = new MemoryStream();
        var buffer = new byte[16 * 1024];
        while (true)
        {
            var received = await socket.ReceiveAsync(buffer, CancellationToken.None);
            Assert.Equal(expectedType, received.MessageType);
            message.Write(buffer, 0, received.Count);
            if (received.EndOfMessage)
            {
                return message.ToArray();
            }
        }
    }

    // Acceptance 4.
    [Fact]
    public async Task LeastRequests_WhileOneWorkerIsBusy_NewRequestsGoToTheOther()
    {
        await using var primary = StartProxy("--balance", "least-requests", "--", "--SampleApp:EnableFaults=true");
        var (url, _) = await primary.WaitForReadyAsync();
        using var slowClient = KeepAliveClient(url);
        using var client = KeepAliveClient(url);

        var linesBefore = primary.Lines.Count;
        var slow = slowClient.GetFromJsonAsync<WorkerAnswer>("/delay?ms=5000");
        await primary.WaitForLineAsync(new Regex("Delaying this request for 5000 ms"), after: linesBefore); // in flight at one worker
        var quick = new List<WorkerAnswer>();
        for (var i = 0; i < 10; i++)
        {
            quick.Add((await client.GetFromJsonAsync<WorkerAnswer>("/"))!);
        }
        Assert.False(slow.IsCompleted, "the slow request finished before the quick ones: inconclusive on this machine");
        var busy = (await slow)!.Worker;

        output.WriteLine($"busy worker {busy}; quick requests went to workers {string.Join("", quick.Select(a => a.Worker))}");
        Assert.All(quick, a => Assert.NotEqual(busy, a.Worker));
        await StopAsync(primary);
    }

    // Acceptance 5.
    [Fact]
    public async Task Sigterm_DuringASlowProxiedRequest_TheFrontStopsAccepting_TheRequestCompletes_AndNothingIsLeft()
    {
        await using var primary = StartProxy("--", "--SampleApp:EnableFaults=true");
        var (url, pids) = await primary.WaitForReadyAsync();
        var runtimeDirectory = (await primary.WaitForLineAsync(new Regex(@"on unix sockets in (\S+)"))).Groups[1].Value;
        Assert.True(Directory.Exists(runtimeDirectory));
        using var client = KeepAliveClient(url);

        var linesBefore = primary.Lines.Count;
        var slow = client.GetAsync("/delay?ms=4000");
        await primary.WaitForLineAsync(new Regex("Delaying this request for 4000 ms"), after: linesBefore); // in flight at a worker
        primary.Signal(Signals.SIGTERM);

        var refusedAfter = await WaitUntilRefusedAsync(url, TimeSpan.FromSeconds(3));
        var stillInFlight = !slow.IsCompleted;
        using var response = await slow;

        output.WriteLine($"front refused new connections {refusedAfter.TotalMilliseconds:F0} ms after SIGTERM; slow request in flight then: {stillInFlight}; it answered {(int)response.StatusCode}");
        Assert.True(stillInFlight, "the slow request finished before the front stopped accepting: inconclusive on this machine");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(0, await primary.WaitForExitAsync(TimeSpan.FromSeconds(30 + 20)));
        Assert.Empty(await primary.WaitForNoLiveProcessesAsync(TimeSpan.FromSeconds(1)));
        Assert.All(pids, pid => Assert.Null(ProcessTable.State(pid)));
        Assert.False(Directory.Exists(runtimeDirectory), $"{runtimeDirectory} was left behind");
        var order = new[] { "Proxy stopped after", "draining at the primary's request" }
            .Select(text => primary.Lines.ToList().FindIndex(l => l.Contains(text, StringComparison.Ordinal))).ToArray();
        Assert.True(order[0] >= 0 && order[0] < order[1], "the workers were asked to drain before the front had stopped");
    }

    private static async Task<TimeSpan> WaitUntilRefusedAsync(Uri url, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                await probe.ConnectAsync(IPAddress.Loopback, url.Port);
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused)
            {
                return clock.Elapsed;
            }
            await Task.Delay(20);
        }
        throw new TimeoutException($"the front still accepted connections {timeout} after SIGTERM");
    }

    [Fact]
    public async Task InvalidBalance_PrintsOneLine_ExitsTwo_StartsNothing()
    {
        await using var primary = StartProxy("--balance", "fastest");

        Assert.Equal(2, await primary.WaitForExitAsync());
        var error = Assert.Single(primary.StandardError);
        Assert.Equal("clusterhost: --balance must be one of round-robin, least-requests, power-of-two, random (got 'fastest')", error);
        Assert.DoesNotContain(primary.Lines, l => l.Contains("starting (pid", StringComparison.Ordinal));
    }

    [Fact]
    public async Task PortInUse_PrintsOneLine_ExitsOne_StartsNoWorker()
    {
        using var occupied = new OccupiedPort();

        await using var primary = ClusterProcess.StartPrimary(output, "--mode", "proxy", "--urls", occupied.Url);

        Assert.Equal(1, await primary.WaitForExitAsync());
        Assert.Contains("is already in use", Assert.Single(primary.StandardError), StringComparison.Ordinal);
        Assert.DoesNotContain(primary.Lines, l => l.Contains("starting (pid", StringComparison.Ordinal));
    }
}
