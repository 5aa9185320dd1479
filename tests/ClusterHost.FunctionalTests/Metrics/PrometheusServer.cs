using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using ClusterHost.FunctionalTests.Infrastructure;
using Xunit.Abstractions;

namespace ClusterHost.FunctionalTests.Metrics;

/// <summary>
/// A real Prometheus server (Debian package <c>prometheus</c>) on loopback, a free port and a
/// temporary storage folder. Disposing it kills it and removes the folder, whatever the test did.
/// </summary>
internal sealed class PrometheusServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly DirectoryInfo _directory;
    private readonly HttpClient _client;

    private PrometheusServer(Process process, DirectoryInfo directory, Uri url)
    {
        _process = process;
        _directory = directory;
        Url = url;
        _client = new HttpClient { BaseAddress = url, Timeout = ClusterProcess.Patience };
    }

    public Uri Url { get; }

    /// <summary>Starts Prometheus with <paramref name="config"/> (prometheus.yml text) and waits until it is ready.</summary>
    public static async Task<PrometheusServer> StartAsync(string config, ITestOutputHelper output)
    {
        var prometheus = RequiredTool.Find("prometheus", "prometheus");
        var directory = Directory.CreateTempSubdirectory("clusterhost-prometheus-");
        PrometheusServer? server = null;
        try
        {
            var configPath = Path.Combine(directory.FullName, "prometheus.yml");
            await File.WriteAllTextAsync(configPath, config);
            var port = FreePort();
            var startInfo = new ProcessStartInfo(prometheus)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                WorkingDirectory = directory.FullName,
            };
            startInfo.ArgumentList.Add($"--config.file={configPath}");
            startInfo.ArgumentList.Add($"--storage.tsdb.path={Path.Combine(directory.FullName, "data")}");
            startInfo.ArgumentList.Add($"--web.listen-address=127.0.0.1:{port}");
            startInfo.ArgumentList.Add("--log.level=warn");
            var process = new Process { StartInfo = startInfo };
            process.OutputDataReceived += (_, e) => Write(output, e.Data);
            process.ErrorDataReceived += (_, e) => Write(output, e.Data);
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            server = new PrometheusServer(process, directory, new Uri($"http://127.0.0.1:{port}/"));
            await server.WaitUntilReadyAsync();
            return server;
        }
        catch
        {
            if (server is not null)
            {
                await server.DisposeAsync();
            }
            else
            {
                directory.Delete(recursive: true);
            }
            throw;
        }
    }

    private async Task WaitUntilReadyAsync()
    {
        var deadline = DateTime.UtcNow + ClusterProcess.Patience;
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"prometheus exited with code {_process.ExitCode} before it was ready (see the test output)");
            }
            try
            {
                using var response = await _client.GetAsync("-/ready");
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"prometheus was not ready at {Url} within {ClusterProcess.Patience}");
            }
            await Task.Delay(200);
        }
    }

    /// <summary>Runs an instant query; returns the result vector (empty when the query has no data).</summary>
    public async Task<IReadOnlyList<JsonElement>> QueryAsync(string promql)
    {
        using var response = await _client.GetAsync("api/v1/query?query=" + Uri.EscapeDataString(promql));
        var body = await response.Content.ReadAsStringAsync();
        using var json = JsonDocument.Parse(body);
        var root = json.RootElement;
        if (root.GetProperty("status").GetString() != "success")
        {
            throw new InvalidOperationException($"Query '{promql}' failed: {body}");
        }
        var data = root.GetProperty("data");
        var result = data.GetProperty("result");
        return data.GetProperty("resultType").GetString() == "vector"
            ? [.. result.EnumerateArray().Select(e => e.Clone())]
            : [result.Clone()];
    }

    /// <summary>Queries until the result is not empty (bounded); returns it, or the empty last result.</summary>
    public async Task<IReadOnlyList<JsonElement>> QueryUntilDataAsync(string promql, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var result = await QueryAsync(promql);
            if (result.Count > 0 || DateTime.UtcNow > deadline)
            {
                return result;
            }
            await Task.Delay(500);
        }
    }

    private static int FreePort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    private static void Write(ITestOutputHelper output, string? line)
    {
        if (line is null)
        {
            return;
        }
        try
        {
            output.WriteLine("prometheus: " + line);
        }
        catch (InvalidOperationException)
        {
            // The test has finished.
        }
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
            await _process.WaitForExitAsync();
        }
        finally
        {
            _process.Dispose();
            // Prometheus may still be closing its files for a moment after the kill.
            for (var attempt = 0; attempt < 20 && _directory.Exists; attempt++)
            {
                try
                {
                    _directory.Delete(recursive: true);
                }
                catch (IOException)
                {
                    await Task.Delay(100);
                }
                _directory.Refresh();
            }
        }
    }
}
