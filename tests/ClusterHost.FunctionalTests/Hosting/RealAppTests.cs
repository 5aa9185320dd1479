using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.RegularExpressions;
using ClusterHost.FunctionalTests.Infrastructure;
using Xunit.Abstractions;

namespace ClusterHost.FunctionalTests.Hosting;

/// <summary>
/// Ordinary ASP.NET Core apps (tests/Apps, no reference to ClusterHost) under the installed
/// clusterhost tool, in both balancing modes: each behaves as it does alone.
/// </summary>
[Collection(InstalledToolCollection.Name)]
public sealed partial class RealAppTests(InstalledTool tool, ITestOutputHelper output)
{
    private const int Rounds = 4;

    // Concurrent writes to one SQLite file from both workers. Microsoft.Data.Sqlite waits for the
    // file's write lock on the calling thread (its async methods run synchronously): with 200 at
    // once, a worker's thread pool starved on this loaded 2-core box, and Kestrel answered 408 to a
    // request whose body it had not read within its 5 s grace (MinRequestBodyDataRate).
    private const int WritesPerRound = 50;

    [Theory]
    [InlineData("reuseport")]
    [InlineData("proxy")]
    public async Task SqliteApp_RelativeDataSource_IsWhereTheAppAloneWouldPutIt_AndNoConcurrentWriteIsLost(string mode)
    {
        var appDll = TestApps.Dll(TestApps.NotesApi);
        var appFolder = Path.GetDirectoryName(appDll)!;

        // The app alone, run as `dotnet NotesApi.dll` in a directory: its notes.db lands there.
        using var aloneDirectory = new TempDirectory();
        await using (var alone = ClusterProcess.StartProgram(output, TestPaths.Dotnet, [appDll, "--urls", "http://127.0.0.1:0"],
            aloneDirectory.Path, new Dictionary<string, string?>(), appFolder))
        {
            var aloneUrl = await alone.WaitForListeningAsync();
            using var client = new HttpClient { BaseAddress = aloneUrl };
            (await client.PostAsJsonAsync("/notes", new { text = "alone" })).EnsureSuccessStatusCode();
        }
        Assert.True(File.Exists(aloneDirectory.File("notes.db")));

        // The same app under the cluster, started in another directory: two workers, one database there.
        using var directory = new TempDirectory();
        await using var cluster = await ToolCluster.StartAsync(tool, output, appDll, mode, directory.Path);
        // Both workers ran EnsureCreated against one new file at once; what happened is printed.
        output.WriteLine($"Worker starts that failed before the cluster was ready: {cluster.FailedStarts().Count}");
        foreach (var line in cluster.FailedStarts())
        {
            output.WriteLine($"  {line}");
        }

        var ids = new HashSet<int>();
        var stopwatch = Stopwatch.StartNew();
        for (var round = 0; round < Rounds; round++)
        {
            // A new client per round: new connections, which reuseport spreads over the workers.
            using var client = new HttpClient { BaseAddress = cluster.Url, Timeout = ClusterProcess.Patience };
            var writes = Enumerable.Range(0, WritesPerRound).Select(async i =>
            {
                using var response = await client.PostAsJsonAsync("/notes", new { text = $"round {round} note {i}" });
                Assert.Equal(HttpStatusCode.Created, response.StatusCode);
                return (await response.Content.ReadFromJsonAsync<NoteAnswer>())!.Id;
            });
            ids.UnionWith(await Task.WhenAll(writes));
        }
        output.WriteLine($"{Rounds} x {WritesPerRound} concurrent writes took {stopwatch.ElapsedMilliseconds} ms");

        Assert.Equal(Rounds * WritesPerRound, ids.Count);
        using (var client = new HttpClient { BaseAddress = cluster.Url })
        {
            Assert.Equal(Rounds * WritesPerRound, await client.GetFromJsonAsync<int>("/notes/count"));
        }
        var byWorker = await cluster.RequestsByWorkerAsync(route => route == "/notes", Rounds * WritesPerRound);
        output.WriteLine($"Writes by worker: {string.Join(", ", byWorker.Select(w => $"worker {w.Key}: {w.Value}"))}");
        Assert.Equal(2, byWorker.Count(w => w.Value > 0));
        Assert.True(File.Exists(directory.File("notes.db")), "the database is not in the directory clusterhost ran in");
        Assert.False(File.Exists(Path.Combine(appFolder, "notes.db")), "a database appeared in the app's own folder");

        await cluster.StopAsync();
    }

    [Theory]
    [InlineData("reuseport")]
    [InlineData("proxy")]
    public async Task CookieApp_WithoutHome_AntiforgeryAndAuthCookiesFromOneWorker_AreAcceptedByEvery(string mode)
    {
        using var directory = new TempDirectory();
        var stateDirectory = directory.File("state");
        // No HOME, as under a service account without one. The state directory comes from
        // XDG_STATE_HOME (its default) in one mode, from --state-dir in the other.
        var environment = new Dictionary<string, string?> { ["HOME"] = null, ["XDG_STATE_HOME"] = null };
        string[] options = [];
        if (mode == "reuseport")
        {
            environment["XDG_STATE_HOME"] = stateDirectory;
            stateDirectory = Path.Combine(stateDirectory, "clusterhost");
        }
        else
        {
            options = ["--state-dir", stateDirectory];
        }
        await using var cluster = await ToolCluster.StartAsync(tool, output, TestApps.Dll(TestApps.CookieLogin), mode, directory.Path, environment, options);

        // Sign in several times, each form fetched and posted on new connections.
        const int Logins = 10;
        string? authCookie = null;
        for (var i = 0; i < Logins; i++)
        {
            var (status, cookie) = await SignInAsync(cluster.Url, "alice");
            Assert.Equal(HttpStatusCode.Redirect, status);
            authCookie = Assert.IsType<string>(cookie);
        }

        const int Requests = 100;
        var accepted = 0;
        for (var i = 0; i < Requests; i++)
        {
            using var client = NewClient(cluster.Url);
            using var request = new HttpRequestMessage(HttpMethod.Get, "/Secret");
            request.Headers.Add("Cookie", authCookie);
            using var response = await client.SendAsync(request);
            if (response.StatusCode == HttpStatusCode.OK && (await response.Content.ReadAsStringAsync()).Contains("Hello alice", StringComparison.Ordinal))
            {
                accepted++;
            }
        }
        output.WriteLine($"The cookie was accepted on {accepted} of {Requests} requests");
        Assert.Equal(Requests, accepted);

        var byWorker = await cluster.RequestsByWorkerAsync(route => route.Contains("Secret", StringComparison.OrdinalIgnoreCase), Requests);
        output.WriteLine($"/Secret by worker: {string.Join(", ", byWorker.Select(w => $"worker {w.Key}: {w.Value}"))}");
        Assert.Equal(2, byWorker.Count(w => w.Value > 0));

        var keys = Path.Combine(stateDirectory, "keys", TestApps.CookieLogin);
        Assert.NotEmpty(Directory.GetFiles(keys, "key-*.xml"));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(keys));

        await cluster.StopAsync();
    }

    [Theory]
    [InlineData("reuseport")]
    [InlineData("proxy")]
    public async Task WebSocketApp_EchoesThroughTheCluster_OnEveryWorker(string mode)
    {
        using var directory = new TempDirectory();
        await using var cluster = await ToolCluster.StartAsync(tool, output, TestApps.Dll(TestApps.EchoSockets), mode, directory.Path);
        var webSocketUrl = new UriBuilder(cluster.Url) { Scheme = "ws", Path = "/echo" }.Uri;

        const int Sockets = 20;
        for (var i = 0; i < Sockets; i++)
        {
            using var socket = new ClientWebSocket();
            await socket.ConnectAsync(webSocketUrl, CancellationToken.None);
            for (var m = 0; m < 3; m++)
            {
                var message = $"socket {i} message {m}";
                await socket.SendAsync(Encoding.UTF8.GetBytes(message), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
                var buffer = new byte[1024];
                var received = await socket.ReceiveAsync(buffer, CancellationToken.None);
                Assert.Equal(message, Encoding.UTF8.GetString(buffer, 0, received.Count));
            }
            await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);
            Assert.Equal(WebSocketCloseStatus.NormalClosure, socket.CloseStatus);
        }

        var byWorker = await cluster.RequestsByWorkerAsync(route => route == "/echo", Sockets);
        output.WriteLine($"/echo by worker: {string.Join(", ", byWorker.Select(w => $"worker {w.Key}: {w.Value}"))}");
        Assert.Equal(2, byWorker.Count(w => w.Value > 0));

        await cluster.StopAsync();
    }

    /// <summary>GET the form, then POST it with its antiforgery token, each on a new connection; returns the status and the auth cookie.</summary>
    private static async Task<(HttpStatusCode Status, string? AuthCookie)> SignInAsync(Uri url, string user)
    {
        string token;
        string antiforgeryCookie;
        using (var client = NewClient(url))
        {
            using var form = await client.GetAsync("/Login");
            form.EnsureSuccessStatusCode();
            token = TokenPattern().Match(await form.Content.ReadAsStringAsync()) is { Success: true } match
                ? WebUtility.HtmlDecode(match.Groups["token"].Value)
                : throw new InvalidOperationException("the login form has no antiforgery token");
            antiforgeryCookie = Cookies(form).Single(c => c.StartsWith(".AspNetCore.Antiforgery.", StringComparison.Ordinal));
        }
        using (var client = NewClient(url))
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/Login")
            {
                Content = new FormUrlEncodedContent(new Dictionary<string, string>
                {
                    ["UserName"] = user,
                    ["Password"] = "open sesame",
                    ["__RequestVerificationToken"] = token,
                }),
            };
            request.Headers.Add("Cookie", antiforgeryCookie);
            using var response = await client.SendAsync(request);
            return (response.StatusCode, Cookies(response).SingleOrDefault(c => c.StartsWith(".AspNetCore.Cookies=", StringComparison.Ordinal)));
        }
    }

    /// <summary>A client on new connections, that neither follows redirects nor keeps cookies.</summary>
    private static HttpClient NewClient(Uri url) =>
        new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = url, Timeout = ClusterProcess.Patience };

    /// <summary>"name=value" of each Set-Cookie.</summary>
    private static IEnumerable<string> Cookies(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Set-Cookie", out var values) ? values.Select(v => v.Split(';')[0]) : [];

    [GeneratedRegex(@"name=""__RequestVerificationToken"" type=""hidden"" value=""(?<token>[^""]+)""")]
    private static partial Regex TokenPattern();

    private sealed record NoteAnswer(int Id, string Text);
}
