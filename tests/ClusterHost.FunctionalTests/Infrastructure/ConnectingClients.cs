using System.Diagnostics;
using System.Net.Sockets;

namespace ClusterHost.FunctionalTests.Infrastructure;

/// <summary>
/// Clients that each send one request after another, every one on a new TCP connection, and
/// count what happens: served, refused (nothing listens), or failed otherwise.
/// </summary>
internal sealed class ConnectingClients : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task[] _loops;
    private readonly List<string> _failed = [];
    private int _succeeded;
    private int _refused;
    private long _longestMs;

    public ConnectingClients(Uri url, int count)
    {
        _loops = [.. Enumerable.Range(0, count).Select(_ => Task.Run(() => RunAsync(url)))];
    }

    public int Succeeded => Volatile.Read(ref _succeeded);

    public int Refused => Volatile.Read(ref _refused);

    public IReadOnlyList<string> Failed
    {
        get
        {
            lock (_failed)
            {
                return [.. _failed];
            }
        }
    }

    /// <summary>The longest a request took, in ms (a connection waiting in the backlog).</summary>
    public long LongestMs => Interlocked.Read(ref _longestMs);

    public async Task WaitForSuccessesAsync(int count)
    {
        var deadline = DateTime.UtcNow + ClusterProcess.Patience;
        while (Succeeded < count)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{Succeeded} of {count} requests served; {Refused} refused, failed: {string.Join("; ", Failed.Take(5))}");
            }
            await Task.Delay(20);
        }
    }

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_loops);
    }

    private async Task RunAsync(Uri url)
    {
        using var client = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.Zero }) { Timeout = ClusterProcess.Patience };
        client.DefaultRequestHeaders.ConnectionClose = true;
        while (!_stop.IsCancellationRequested)
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                using var response = await client.GetAsync(url, _stop.Token);
                response.EnsureSuccessStatusCode();
                Interlocked.Increment(ref _succeeded);
                var ms = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                long longest;
                while (ms > (longest = Interlocked.Read(ref _longestMs)) && Interlocked.CompareExchange(ref _longestMs, ms, longest) != longest)
                {
                }
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (HttpRequestException e) when (e.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionRefused })
            {
                Interlocked.Increment(ref _refused);
                await Task.Delay(10);
            }
            catch (Exception e)
            {
                lock (_failed)
                {
                    _failed.Add(e.GetBaseException().Message);
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await StopAsync();
        }
        _stop.Dispose();
    }
}
