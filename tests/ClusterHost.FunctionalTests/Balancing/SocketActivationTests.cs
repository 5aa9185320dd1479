using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using ClusterHost.FunctionalTests.Infrastructure;
using ClusterHost.FunctionalTests.Metrics;
using Xunit.Abstractions;

namespace ClusterHost.FunctionalTests.Balancing;

/// <summary>
/// Sockets passed by a service manager (LISTEN_FDS), with <c>systemd-socket-activate</c> as the
/// manager, in shared, handoff and proxy mode: what activation buys (no refused connection across a restart, a
/// privileged port without root).
/// </summary>
public sealed partial class SocketActivationTests(ITestOutputHelper output)
{
    private const string SocketActivate = "systemd-socket-activate";

    [Fact]
    public async Task SystemdSocketActivate_SharedMode_ServesThePassedSocket_BothWorkersAnswer_AndThePrimaryBindsNothing()
    {
        RequiredTool.Find(SocketActivate, "systemd");
        var port = FreePort();
        await using var primary = StartActivated(port, [TestPaths.Dotnet, TestPaths.Primary, "--mode", "shared", "--workers", "2"]);

        // systemd-socket-activate starts the service at the first connection, which waits in the backlog meanwhile.
        using var first = await ActivateAsync(primary, port);
        var (url, pids) = await primary.WaitForReadyAsync();
        Assert.Equal(HttpStatusCode.OK, (await first.Response).StatusCode);
        Assert.Equal(new Uri($"http://127.0.0.1:{port}/"), url);
        Assert.Contains(primary.Lines, l => l.Contains("Serving the 1 socket(s) systemd passed (LISTEN_FDS)", StringComparison.Ordinal));
        await AssertEveryWorkerAnswersAsync(url, pids);

        // One listening socket on the port, systemd's: the primary and every worker hold that one.
        AssertPassedListenerHeld(primary, port, pids, byWorkers: true);

        primary.Signal(Signals.SIGTERM);
        Assert.Equal(0, await primary.WaitForExitAsync());
    }

    [Theory]
    [InlineData("handoff")]
    [InlineData("proxy")]
    public async Task SystemdSocketActivate_FrontModes_OnlyThePrimaryHoldsThePassedSocket_AndBothWorkersAnswer(string mode)
    {
        RequiredTool.Find(SocketActivate, "systemd");
        var port = FreePort();
        await using var primary = StartActivated(port, [TestPaths.Dotnet, TestPaths.Primary, "--mode", mode, "--workers", "2"]);

        using var first = await ActivateAsync(primary, port);
        var (url, pids) = await primary.WaitForReadyAsync();
        using var firstResponse = await first.Response;
        if (mode == "handoff")
        {
            // The activating connection waited in the backlog until a worker took it.
            Assert.Equal(HttpStatusCode.OK, firstResponse.StatusCode);
        }
        else
        {
            // The front accepts before any worker is ready: documented as a 503 no-worker, unless a worker won the race.
            Assert.True(firstResponse.StatusCode == HttpStatusCode.OK
                || (firstResponse.StatusCode == HttpStatusCode.ServiceUnavailable
                    && (await firstResponse.Content.ReadAsStringAsync()).Contains("no-worker", StringComparison.Ordinal)),
                $"first request: {(int)firstResponse.StatusCode}");
        }
        Assert.Equal(new Uri($"http://127.0.0.1:{port}/"), url);
        Assert.Contains(primary.Lines, l => l.Contains("Serving the 1 socket(s) systemd passed (LISTEN_FDS)", StringComparison.Ordinal));
        await AssertEveryWorkerAnswersAsync(url, pids);

        // systemd's socket is the only listener on the port, and only the primary holds it: the
        // workers get connections (handoff) or requests (proxy) from it, never the listener.
        AssertPassedListenerHeld(primary, port, pids, byWorkers: false);

        primary.Signal(Signals.SIGTERM);
        Assert.Equal(0, await primary.WaitForExitAsync());
    }

    [Fact]
    public async Task ReusePort_WithPassedSockets_IsRefusedInOneLine_ExitTwo()
    {
        // LISTEN_PID unset: the sockets are for whoever reads them (sd_listen_fds accepts that).
        await using var primary = ClusterProcess.StartPrimary(output, new Dictionary<string, string> { ["LISTEN_FDS"] = "1" }, "--workers", "1");

        Assert.Equal(2, await primary.WaitForExitAsync());
        Assert.Contains(primary.StandardError, l => l.StartsWith(
            "clusterhost: --mode reuseport cannot serve the sockets systemd passed (LISTEN_FDS=1): SO_REUSEPORT cannot be added to a listening socket; use --mode shared (or handoff, or proxy)",
            StringComparison.Ordinal));
    }

    // The parent keeps the listening socket and starts the primary twice, as systemd does for a
    // .socket unit and a restarted service: connections made while no primary runs wait in the backlog.
    [Fact]
    public async Task PrimaryRestart_UnderAParentThatHoldsTheSocket_RefusesNoConnection()
    {
        using var directory = new TempDirectory();
        var parent = directory.File("socket-parent.py");
        await File.WriteAllTextAsync(parent, SocketParentScript);
        await using var cluster = ClusterProcess.StartProgram(output, "python3",
            [parent, TestPaths.Dotnet, TestPaths.Primary, "--mode", "shared", "--workers", "2", "--metrics-urls", "http://127.0.0.1:0"],
            directory.Path, new Dictionary<string, string?>(), Path.GetDirectoryName(TestPaths.Primary)!, directory.Path);

        var port = int.Parse((await cluster.WaitForLineAsync(ParentListening())).Groups[1].Value, CultureInfo.InvariantCulture);
        var first = int.Parse((await cluster.WaitForLineAsync(PrimaryStarted())).Groups[1].Value, CultureInfo.InvariantCulture);
        var (url, _) = await cluster.WaitForReadyAsync();
        Assert.Equal(port, url.Port);

        await using var clients = new ConnectingClients(url, count: 4);
        await clients.WaitForSuccessesAsync(100);
        var linesBefore = cluster.Lines.Count;
        Signals.Send(first, Signals.SIGTERM);
        await cluster.WaitForLineAsync(PrimaryStarted(), after: linesBefore);
        await cluster.WaitForLineAsync(ReadyLine(), after: linesBefore);
        var atSecond = clients.Succeeded;
        await clients.WaitForSuccessesAsync(atSecond + 100);
        await clients.StopAsync();

        output.WriteLine($"requests: {clients.Succeeded} served, {clients.Refused} refused, {clients.Failed.Count} failed otherwise; longest wait {clients.LongestMs} ms");
        Assert.Equal(0, clients.Refused);
        Assert.Empty(clients.Failed);
        Assert.True(clients.LongestMs > 0);
    }

    [Fact]
    public async Task NonRootPrimary_ServesAPrivilegedPort_ThroughAnActivatedSocket()
    {
        if (Environment.UserName != "root")
        {
            output.WriteLine("Skipped: creating the unprivileged user needs root, and this test runs as " + Environment.UserName);
            return;
        }
        RequiredTool.Find(SocketActivate, "systemd");
        RequiredTool.Find("setpriv", "util-linux");
        var port = FreePrivilegedPort();
        var user = $"chtest{Random.Shared.Next(100000, 999999)}";
        Run("useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", user);
        try
        {
            using var home = new TempDirectory();
            File.SetUnixFileMode(home.Path, (UnixFileMode)0x1ff); // the user's state directory is made inside
            await using (var primary = StartActivated(port,
                ["setpriv", $"--reuid={user}", $"--regid={user}", "--clear-groups",
                 TestPaths.Dotnet, TestPaths.Primary, "--mode", "shared", "--workers", "2", "--state-dir", home.File("state")],
                new Dictionary<string, string?> { ["HOME"] = home.Path }))
            {
                using var first = await ActivateAsync(primary, port);
                var (url, pids) = await primary.WaitForReadyAsync();
                Assert.Equal(HttpStatusCode.OK, (await first.Response).StatusCode);
                Assert.Equal(port, url.Port);
                var uid = UidOf(primary.Pid);
                Assert.NotEqual(0, uid);
                Assert.All(pids, pid => Assert.Equal(uid, UidOf(pid)));
                await AssertEveryWorkerAnswersAsync(url, pids);

                primary.Signal(Signals.SIGTERM);
                Assert.Equal(0, await primary.WaitForExitAsync());
            }
        }
        finally
        {
            Run("userdel", user);
        }
    }

    private ClusterProcess StartActivated(int port, string[] command, IReadOnlyDictionary<string, string?>? environment = null) =>
        ClusterProcess.StartProgram(output, SocketActivate,
            ["-l", $"127.0.0.1:{port}", .. command, "--metrics-urls", "http://127.0.0.1:0"],
            Path.GetTempPath(), environment ?? new Dictionary<string, string?>(), Path.GetDirectoryName(TestPaths.Primary)!);

    /// <summary>Once the socket listens, sends the request that makes systemd-socket-activate start the primary.</summary>
    private static async Task<FirstRequest> ActivateAsync(ClusterProcess activator, int port)
    {
        await activator.WaitForLineAsync(new Regex($@"Listening on 127\.0\.0\.1:{port} as 3"));
        var client = new HttpClient { Timeout = ClusterProcess.Patience };
        return new FirstRequest(client, client.GetAsync(new Uri($"http://127.0.0.1:{port}/")));
    }

    private sealed record FirstRequest(HttpClient Client, Task<HttpResponseMessage> Response) : IDisposable
    {
        public void Dispose() => Client.Dispose();
    }

    // The port's one listening socket is systemd's; the primary holds it, each worker does or does
    // not (byWorkers), and no worker sees the service manager's variables.
    private static void AssertPassedListenerHeld(ClusterProcess primary, int port, int[] pids, bool byWorkers)
    {
        var listening = Assert.Single(ProcessEnvironment.ListeningInodes(port));
        var primaryPid = ProcessTable.Descendants(primary.Pid).Prepend(primary.Pid).Single(pid => !pids.Contains(pid) && ProcessTable.CommandLine(pid).Contains(TestPaths.Primary, StringComparison.Ordinal));
        Assert.Contains(listening, ProcessEnvironment.SocketInodes(primaryPid));
        foreach (var pid in pids)
        {
            Assert.Equal(byWorkers, ProcessEnvironment.SocketInodes(pid).Contains(listening));
            var environment = ProcessEnvironment.Of(pid);
            Assert.All(ProcessEnvironment.ServiceManagerVariables, name => Assert.False(environment.ContainsKey(name), $"worker {pid} has {name}"));
        }
    }

    private static async Task AssertEveryWorkerAnswersAsync(Uri url, int[] pids)
    {
        using var client = SampleAppClient.FreshConnections(url);
        var served = new HashSet<int>();
        for (var i = 0; i < 300 && served.Count < pids.Length; i++)
        {
            served.Add((await client.GetAsync()).Pid);
        }
        Assert.Equal(pids.Order(), served.Order());
    }

    private static int FreePort()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }

    private static int FreePrivilegedPort()
    {
        foreach (var port in new[] { 80 }.Concat(Enumerable.Range(900, 100)))
        {
            try
            {
                using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                probe.Bind(new IPEndPoint(IPAddress.Loopback, port));
                return port;
            }
            catch (SocketException)
            {
            }
        }
        throw new InvalidOperationException("no free port below 1024 on 127.0.0.1");
    }

    private static int UidOf(int pid) => int.Parse(
        File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("Uid:", StringComparison.Ordinal))
            .Split('\t', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);

    private static void Run(string program, params string[] args)
    {
        using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(program, args) { RedirectStandardError = true })!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{program} {string.Join(' ', args)} failed ({process.ExitCode}): {error}");
    }

    // Holds a listening socket, and starts the command twice (one after the other exits) with the
    // socket as descriptor 3 and LISTEN_FDS=1, as systemd's socket unit does for its service.
    private const string SocketParentScript = """
        import os, socket, sys
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.bind(("127.0.0.1", 0))
        s.listen(512)
        print(f"parent listening on port {s.getsockname()[1]}", flush=True)
        for run in range(2):
            pid = os.fork()
            if pid == 0:
                if s.fileno() != 3:
                    os.dup2(s.fileno(), 3)
                os.set_inheritable(3, True)
                os.execve(sys.argv[1], sys.argv[1:], dict(os.environ, LISTEN_FDS="1", LISTEN_PID=str(os.getpid()), DOTNET_NOLOGO="1"))
            print(f"parent started primary (pid {pid})", flush=True)
            os.waitpid(pid, 0)
            print(f"parent: primary (pid {pid}) exited", flush=True)
        """;

    [GeneratedRegex(@"parent listening on port (\d+)")]
    private static partial Regex ParentListening();

    [GeneratedRegex(@"parent started primary \(pid (\d+)\)")]
    private static partial Regex PrimaryStarted();

    [GeneratedRegex("ClusterHost ready")]
    private static partial Regex ReadyLine();
}
