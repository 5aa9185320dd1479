using System.Collections.Concurrent;

namespace ClusterHost.FunctionalTests.Infrastructure;

/// <summary>
/// Continuous HTTP load from the test itself: some clients on keep-alive connections, some on a
/// new connection per request. Bounded in time and count; every failure is recorded.
/// </summary>
internal sealed class LoadGenerator : IAsyncDisposable
{
    private static readonly TimeSpan MaxDuration = TimeSpan.FromMinutes(2);
    private const int MaxRequestsPerClient = 20_000;

    private readonly CancellationTokenSource _stop = new(MaxDuration);
    private readonly ConcurrentQueue<string> _failures = new();
    private readonly ConcurrentDictionary<int, int> _byPid = new();
    private readonly Task[] _clients;
    private long _succeeded;

    private LoadGenerator(Uri url, int keepAliveClients, int freshConnectionClients, string path)
    {
        _clients =
        [
            .. Enumerable.Range(0, keepAliveClients).Select(_ => RunAsync(SampleAppClient.KeepAlive(url), path)),
            .. Enumerable.Range(0, freshConnectionClients).Select(_ => RunAsync(SampleAppClient.FreshConnections(url), path)),
        ];
    }

    public static LoadGenerator Start(Uri url, int keepAliveClients = 2, int freshConnectionClients = 2, string path = "/") =>
        new(url, keepAliveClients, freshConnectionClients, path);

    public long Succeeded => Interlocked.Read(ref _succeeded);

    public IReadOnlyCollection<string> Failures => _failures;

    /// <summary>Requests answered, by worker pid.</summary>
    public IReadOnlyDictionary<int, int> ByPid => _byPid;

    private async Task RunAsync(SampleAppClient client, string path)
    {
        using (client)
        {
            for (var i = 0; i < MaxRequestsPerClient && !_stop.IsCancellationRequested; i++)
            {
                try
                {
                    var answer = await client.GetAsync(path, _stop.Token);
                    _byPid.AddOrUpdate(answer.Pid, 1, (_, n) => n + 1);
                    Interlocked.Increment(ref _succeeded);
                }
                catch (OperationCanceledException) when (_stop.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception e)
                {
                    _failures.Enqueue($"{e.GetType().Name}: {e.Message} {e.InnerException?.Message}");
                }
            }
        }
    }

    /// <summary>Waits until at least <paramref name="count"/> more requests have succeeded.</summary>
    public async Task WaitForSuccessesAsync(long count)
    {
        var target = Succeeded + count;
        var deadline = DateTime.UtcNow + ClusterProcess.Patience;
        while (Succeeded < target && DateTime.UtcNow < deadline && !_stop.IsCancellationRequested)
        {
            await Task.Delay(20);
        }
    }

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_clients);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stop.Dispose();
    }
}
