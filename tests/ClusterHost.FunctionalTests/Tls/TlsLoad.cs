using System.Collections.Concurrent;
using System.Globalization;

namespace ClusterHost.FunctionalTests.Tls;

/// <summary>
/// HTTPS load from the test: clients on keep-alive connections and clients making a new TLS
/// connection per request, each GET answered with the worker's pid. Every failure is recorded.
/// </summary>
internal sealed class TlsLoad : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new(TimeSpan.FromMinutes(2));
    private readonly ConcurrentQueue<string> _failures = new();
    private readonly ConcurrentDictionary<int, int> _byPid = new();
    private readonly Task[] _clients;
    private long _succeeded;

    public TlsLoad(Uri url, string ca, int keepAliveClients, int freshConnectionClients)
    {
        _clients =
        [
            .. Enumerable.Range(0, keepAliveClients).Select(_ => RunAsync(url, TrustingHandler.Create(ca))),
            .. Enumerable.Range(0, freshConnectionClients).Select(_ => RunAsync(url, TrustingHandler.Create(ca, freshConnections: true))),
        ];
    }

    public long Succeeded => Interlocked.Read(ref _succeeded);

    public IReadOnlyCollection<string> Failures => _failures;

    public IReadOnlyDictionary<int, int> ByPid => _byPid;

    private async Task RunAsync(Uri url, SocketsHttpHandler handler)
    {
        using var client = new HttpClient(handler);
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                var pid = int.Parse(await client.GetStringAsync(url, _stop.Token), CultureInfo.InvariantCulture);
                _byPid.AddOrUpdate(pid, 1, (_, n) => n + 1);
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

    public async Task WaitForSuccessesAsync(long count)
    {
        var target = Succeeded + count;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (Succeeded < target && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }
        Assert.True(Succeeded >= target, $"only {Succeeded} requests succeeded; failures: {string.Join("; ", _failures.Take(3))}");
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
