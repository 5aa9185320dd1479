using System.Net.Http.Json;

namespace ClusterHost.FunctionalTests.Infrastructure;

/// <summary>HTTP/1.1 requests to the SampleApp, over fresh connections or one kept alive.</summary>
internal sealed class SampleAppClient : IDisposable
{
    private readonly HttpClient _client;

    private SampleAppClient(Uri baseAddress, bool freshConnections)
    {
        _client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 1, PooledConnectionLifetime = Timeout.InfiniteTimeSpan })
        {
            BaseAddress = baseAddress,
            Timeout = ClusterProcess.Patience,
        };
        _client.DefaultRequestHeaders.ConnectionClose = freshConnections;
    }

    /// <summary>Every request on a new TCP connection (Connection: close).</summary>
    public static SampleAppClient FreshConnections(Uri baseAddress) => new(baseAddress, freshConnections: true);

    /// <summary>Every request on one keep-alive TCP connection.</summary>
    public static SampleAppClient KeepAlive(Uri baseAddress) => new(baseAddress, freshConnections: false);

    public async Task<WorkerAnswer> GetAsync(string path = "/", CancellationToken cancellationToken = default)
    {
        using var response = await _client.GetAsync(path, cancellationToken);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<WorkerAnswer>(cancellationToken))!;
    }

    public Task<HttpResponseMessage> SendAsync(string path, CancellationToken cancellationToken = default) =>
        _client.GetAsync(path, cancellationToken);

    public void Dispose() => _client.Dispose();
}

/// <summary>The SampleApp's answer.</summary>
internal sealed record WorkerAnswer(int Worker, int Pid, string Connection);
