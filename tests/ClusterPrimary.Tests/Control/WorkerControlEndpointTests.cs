using ClusterHost.Control;
using ClusterHost.Metrics;
using ClusterHost.Primary.Control;
using ClusterHost.Primary.Tests.TestUtilities;

namespace ClusterHost.Primary.Tests.Control;

public sealed class WorkerControlEndpointTests : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private readonly WorkerControlEndpoint _endpoint;
    private int _undeliverableDrains;
    private UnixSocketPair _pair = null!;
    private ControlChannel _primary = null!;
    private ControlChannel _worker = null!;

    public WorkerControlEndpointTests()
    {
        _endpoint = new WorkerControlEndpoint("token", () => Interlocked.Increment(ref _undeliverableDrains));
    }

    public async Task InitializeAsync()
    {
        _pair = await UnixSocketPair.CreateAsync();
        _primary = new ControlChannel(_pair.Left);
        _worker = new ControlChannel(_pair.Right);
    }

    public Task DisposeAsync()
    {
        _primary.Dispose();
        _worker.Dispose();
        _pair.Dispose();
        return Task.CompletedTask;
    }

    private async Task<ControlMessage?> ReadFromPrimaryAsync() =>
        (await _worker.ReadAsync(default).AsTask().WaitAsync(Bound)).Message;

    [Fact]
    public async Task RequestDrain_BeforeAttach_IsSentOnAttach()
    {
        _endpoint.RequestDrain(TimeSpan.FromSeconds(2));

        _endpoint.Attach(_primary);

        Assert.Equal(new DrainMessage(2000), await ReadFromPrimaryAsync());
    }

    [Fact]
    public async Task RequestDrain_WhenAttached_IsSentAtOnce()
    {
        _endpoint.Attach(_primary);

        _endpoint.RequestDrain(TimeSpan.FromDays(100));

        Assert.Equal(new DrainMessage(int.MaxValue), await ReadFromPrimaryAsync());
        Assert.Equal(0, _undeliverableDrains);
    }

    [Fact]
    public void RequestDrain_OnABrokenChannel_CallsOnDrainUndeliverable()
    {
        _endpoint.Attach(_primary);
        _primary.Dispose();

        _endpoint.RequestDrain(TimeSpan.FromSeconds(1));

        Assert.Equal(1, _undeliverableDrains);
    }

    [Fact]
    public async Task Ready_CompletesOnReady_AndCountsAsASignOfLife()
    {
        Assert.Equal(0, _endpoint.LastHeartbeat);

        _endpoint.OnMessage(new ReadyMessage(), timestamp: 100);

        await _endpoint.Ready.WaitAsync(Bound);
        Assert.Equal(100, _endpoint.LastHeartbeat);
    }

    [Fact]
    public void Heartbeat_RecordsItsTimeAndTheRequestCount()
    {
        _endpoint.OnMessage(new HeartbeatMessage(41), timestamp: 200);
        _endpoint.OnMessage(new HeartbeatMessage(42), timestamp: 300);

        Assert.Equal(300, _endpoint.LastHeartbeat);
        Assert.Equal(42, _endpoint.Requests);
        Assert.False(_endpoint.Ready.IsCompleted);
    }

    [Fact]
    public void Fatal_RecordsTheWorkersMessage()
    {
        _endpoint.OnMessage(new FatalMessage(ControlErrors.AddressInUse, "127.0.0.1:8080: address in use"), timestamp: 1);

        Assert.Equal("127.0.0.1:8080: address in use", _endpoint.FatalError);
    }

    [Fact]
    public async Task Close_CancelsReady_FiresClosed_AndMetricsAnswerNull()
    {
        _endpoint.Attach(_primary);
        var closed = new TaskCompletionSource();
        _endpoint.Closed.Register(closed.SetResult);

        _endpoint.Close();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _endpoint.Ready.WaitAsync(Bound));
        await closed.Task.WaitAsync(Bound);
        Assert.Null(await _endpoint.RequestMetricsAsync().WaitAsync(Bound));
    }

    [Fact]
    public async Task Close_AfterReady_LeavesReadyCompleted()
    {
        _endpoint.OnMessage(new ReadyMessage(), timestamp: 1);

        _endpoint.Close();

        await _endpoint.Ready.WaitAsync(Bound);
    }

    [Fact]
    public async Task RequestMetricsAsync_BeforeAttach_AnswersNull_WithoutAsking()
    {
        Assert.Null(await _endpoint.RequestMetricsAsync().WaitAsync(Bound));
        _endpoint.Attach(_primary);
        _endpoint.RequestDrain(TimeSpan.FromSeconds(1));

        Assert.IsType<DrainMessage>(await ReadFromPrimaryAsync()); // nothing was sent before it
    }

    [Fact]
    public async Task RequestMetricsAsync_WhenAttached_AsksTheWorker_AndItsAnswerCompletesIt()
    {
        _endpoint.Attach(_primary);

        var scrape = _endpoint.RequestMetricsAsync();
        var request = Assert.IsType<MetricsRequestMessage>(await ReadFromPrimaryAsync());
        _endpoint.OnMessage(new MetricsMessage { Id = request.Id, Metrics = new WorkerMetricsSnapshot { AppVersion = "2.0" } }, timestamp: 1);

        Assert.Equal("2.0", (await scrape.WaitAsync(Bound))!.AppVersion);
        Assert.Equal("2.0", _endpoint.AppVersion);
    }
}
