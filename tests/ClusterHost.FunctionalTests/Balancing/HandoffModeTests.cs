using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using ClusterHost.FunctionalTests.Infrastructure;
using ClusterHost.FunctionalTests.Metrics;
using Xunit.Abstractions;

namespace ClusterHost.FunctionalTests.Balancing;

/// <summary>
/// <c>--mode handoff</c> (issue 16): the primary accepts and hands each connection to the next
/// ready worker in turn. Exact turns at a few connections, nothing lost when a worker dies
/// holding connections it never took, and no new connection for a draining worker.
/// </summary>
public sealed class HandoffModeTests(ITestOutputHelper output)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private ClusterProcess StartPrimary(params string[] extra) => ClusterProcess.StartPrimary(output,
        ["--mode", "handoff", "--workers", "2", "--urls", "http://127.0.0.1:0", "--metrics-urls", "http://127.0.0.1:0", .. extra]);

    [Fact]
    public async Task FourKeepAliveConnections_OverTwoWorkers_GiveEachTwo_AndFreshConnectionsAlternate()
    {
        await using var primary = StartPrimary();
        using var metrics = await MetricsEndpoint.WaitForAsync(primary);
        var (url, pids) = await primary.WaitForReadyAsync();
        await metrics.ScrapeUntilAsync(m => m.IsUp(0) && m.IsUp(1), "both workers up");

        var clients = Enumerable.Range(0, 4).Select(_ => SampleAppClient.KeepAlive(url)).ToList();
        try
        {
            var first = new List<WorkerAnswer>();
            foreach (var client in clients)
            {
                first.Add(await client.GetAsync());
            }
            // Each keeps its connection, and its worker.
            foreach (var (client, answer) in clients.Zip(first))
            {
                var again = await client.GetAsync();
                Assert.Equal((answer.Connection, answer.Pid), (again.Connection, again.Pid));
            }
            Assert.Equal([2, 2], first.GroupBy(a => a.Pid).Select(g => g.Count()));
            Assert.Equal(pids.Order(), first.Select(a => a.Pid).Distinct().Order());
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }

        using var fresh = SampleAppClient.FreshConnections(url);
        var answers = new List<WorkerAnswer>();
        for (var i = 0; i < 10; i++)
        {
            answers.Add(await fresh.GetAsync());
        }
        for (var i = 1; i < answers.Count; i++)
        {
            Assert.NotEqual(answers[i - 1].Pid, answers[i].Pid);
        }

        var scrape = await metrics.ScrapeUntilAsync(
            m => m.Value("clusterhost_handoffs_total", ("worker", "0")) + m.Value("clusterhost_handoffs_total", ("worker", "1")) >= 14,
            "14 handoffs counted");
        Assert.Equal(7, scrape.Value("clusterhost_handoffs_total", ("worker", "0")));
        Assert.Equal(7, scrape.Value("clusterhost_handoffs_total", ("worker", "1")));
        Assert.Equal(0, scrape.Value("clusterhost_handoff_rerouted_total", ("worker", "0")));
    }

    [Fact]
    public async Task WorkerKilledWithHandedConnectionsItNeverTook_LosesNone_TheOtherWorkerServesThemUnread()
    {
        await using var primary = StartPrimary("--worker-timeout", "120");
        using var metrics = await MetricsEndpoint.WaitForAsync(primary);
        var (url, _) = await primary.WaitForReadyAsync();
        await metrics.ScrapeUntilAsync(m => m.IsUp(0) && m.IsUp(1), "both workers up");
        var stopped = await PidOfWorkerAsync(url, 0);

        // Worker 0 stops taking anything: the connections handed to it wait in its handoff socket.
        Signals.Send(stopped, Signals.SIGSTOP);
        await WaitUntilAsync(() => ProcessTable.IsStopped(stopped), "worker 0 stopped");
        const int Connections = 8;
        var requests = Enumerable.Range(0, Connections).Select(_ => RawRequestAsync(url)).ToList();
        var handedToStopped = await metrics.ScrapeUntilAsync(
            m => m.Value("clusterhost_handoff_unacknowledged", ("worker", "0")) >= 1
                && m.Value("clusterhost_handoffs_total", ("worker", "0")) + m.Value("clusterhost_handoffs_total", ("worker", "1")) >= Connections,
            "every connection handed, some to the stopped worker");
        var held = (int)handedToStopped.Value("clusterhost_handoff_unacknowledged", ("worker", "0"))!.Value;
        output.WriteLine($"held unacknowledged by the stopped worker: {held}");

        Signals.Send(stopped, Signals.SIGKILL);

        var answers = await Task.WhenAll(requests);
        Assert.All(answers, a => Assert.NotEqual(stopped, a.Pid));
        Assert.Equal(Connections, answers.Length);
        var scrape = await metrics.ScrapeUntilAsync(m => m.Value("clusterhost_handoff_rerouted_total", ("worker", "0")) >= held, "the held ones counted as rerouted");
        Assert.Equal(held, scrape.Value("clusterhost_handoff_rerouted_total", ("worker", "0")));
        Assert.Equal(0, scrape.Value("clusterhost_handoff_closed_total", ("worker", "0")));
        Assert.Contains(primary.Lines, l => l.Contains($"Worker 0 left with {held} handed connection(s) it never took", StringComparison.Ordinal));
    }

    [Fact]
    public async Task DrainingWorker_GetsNoNewConnection_WhileItFinishesItsRequest()
    {
        await using var primary = StartPrimary("--", "--SampleApp:EnableFaults=true");
        var (url, _) = await primary.WaitForReadyAsync();
        var draining = await PidOfWorkerAsync(url, 1);

        // Worker 1 (the one a scale-down drains) is busy for 6 s on a keep-alive connection.
        var busy = await StartBusyRequestOnAsync(url, draining);

        var before = primary.Lines.Count;
        primary.Signal(Signals.SIGTTOU);
        await primary.WaitForLineAsync(new Regex(@"Worker 1 draining: "), after: before);

        using var fresh = SampleAppClient.FreshConnections(url);
        var answers = new List<WorkerAnswer>();
        for (var i = 0; i < 10; i++)
        {
            answers.Add(await fresh.GetAsync());
        }
        Assert.True(ProcessTable.IsAlive(draining), "the draining worker exited before the check");
        Assert.All(answers, a => Assert.NotEqual(draining, a.Pid));

        var (status, connectionHeader) = await busy;
        Assert.Equal(200, status);
        Assert.Equal("close", connectionHeader);
    }

    private static async Task<int> PidOfWorkerAsync(Uri url, int worker)
    {
        using var client = SampleAppClient.FreshConnections(url);
        for (var i = 0; i < 20; i++)
        {
            var answer = await client.GetAsync();
            if (answer.Worker == worker)
            {
                return answer.Pid;
            }
        }
        throw new InvalidOperationException($"worker {worker} never answered");
    }

    // A keep-alive connection to the given worker with /delay?ms=6000 in flight: its status and Connection header.
    private static async Task<Task<(int Status, string? Connection)>> StartBusyRequestOnAsync(Uri url, int pid)
    {
        for (var attempt = 0; attempt < 20; attempt++)
        {
            var tcp = new TcpClient();
            await tcp.ConnectAsync(url.Host, url.Port);
            var stream = tcp.GetStream();
            var (status, headers, body) = await ExchangeAsync(stream, url, "/");
            if (JsonSerializer.Deserialize<WorkerAnswer>(body, Json)!.Pid != pid)
            {
                tcp.Dispose();
                continue;
            }
            var request = ExchangeAsync(stream, url, "/delay?ms=6000");
            return Finish();

            async Task<(int, string?)> Finish()
            {
                using (tcp)
                {
                    var (s, h, _) = await request;
                    return (s, h.GetValueOrDefault("connection"));
                }
            }
        }
        throw new InvalidOperationException($"no connection reached pid {pid}");
    }

    // One request on a connection of its own, read to the end.
    private static async Task<WorkerAnswer> RawRequestAsync(Uri url)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(url.Host, url.Port);
        var stream = tcp.GetStream();
        // HTTP/1.0: the body comes whole, to the close.
        var request = $"GET / HTTP/1.0\r\nHost: {url.Authority}\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        using var reader = new StreamReader(stream, Encoding.ASCII);
        var response = await reader.ReadToEndAsync().WaitAsync(ClusterProcess.Patience);
        Assert.Matches(@"^HTTP/1\.[01] 200", response);
        return JsonSerializer.Deserialize<WorkerAnswer>(response[(response.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..], Json)!;
    }

    // One HTTP/1.1 keep-alive exchange with a Content-Length response.
    private static async Task<(int Status, Dictionary<string, string> Headers, string Body)> ExchangeAsync(NetworkStream stream, Uri url, string path)
    {
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"GET {path} HTTP/1.1\r\nHost: {url.Authority}\r\n\r\n"));
        var buffer = new List<byte>();
        var one = new byte[1];
        while (!EndsWithBlankLine(buffer))
        {
            if (await stream.ReadAsync(one).AsTask().WaitAsync(ClusterProcess.Patience) == 0)
            {
                throw new IOException("closed before the headers ended");
            }
            buffer.Add(one[0]);
        }
        var lines = Encoding.ASCII.GetString([.. buffer]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var status = int.Parse(lines[0].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        var headers = lines.Skip(1).Select(l => l.Split(':', 2)).ToDictionary(p => p[0].Trim().ToLowerInvariant(), p => p[1].Trim());
        if (headers.GetValueOrDefault("transfer-encoding") != "chunked")
        {
            var body = new byte[int.Parse(headers.GetValueOrDefault("content-length", "0"), System.Globalization.CultureInfo.InvariantCulture)];
            await stream.ReadExactlyAsync(body).AsTask().WaitAsync(ClusterProcess.Patience);
            return (status, headers, Encoding.UTF8.GetString(body));
        }
        var chunks = new List<byte>();
        while (true)
        {
            var size = Convert.ToInt32((await ReadLineAsync(stream)).Split(';')[0], 16);
            var chunk = new byte[size + 2]; // and its CRLF
            await stream.ReadExactlyAsync(chunk).AsTask().WaitAsync(ClusterProcess.Patience);
            if (size == 0)
            {
                return (status, headers, Encoding.UTF8.GetString([.. chunks]));
            }
            chunks.AddRange(chunk[..size]);
        }
    }

    private static async Task<string> ReadLineAsync(NetworkStream stream)
    {
        var line = new List<byte>();
        var one = new byte[1];
        while (line.Count < 2 || line[^2] != '\r' || line[^1] != '\n')
        {
            await stream.ReadExactlyAsync(one).AsTask().WaitAsync(ClusterProcess.Patience);
            line.Add(one[0]);
        }
        return Encoding.ASCII.GetString([.. line], 0, line.Count - 2);
    }

    private static bool EndsWithBlankLine(List<byte> b) =>
        b.Count >= 4 && b[^4] == '\r' && b[^3] == '\n' && b[^2] == '\r' && b[^1] == '\n';

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + ClusterProcess.Patience;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for: {what}");
            await Task.Delay(10);
        }
    }
}
