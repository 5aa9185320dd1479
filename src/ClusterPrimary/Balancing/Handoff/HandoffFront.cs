using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Runtime.Versioning;
using ClusterHost.Control;
using ClusterHost.Platform;
using ClusterHost.Primary.Configuration;
using ClusterHost.Primary.Metrics;
using ClusterHost.Primary.Platform;
using ClusterHost.Primary.Supervision;
using Microsoft.Extensions.Logging;

namespace ClusterHost.Primary.Balancing.Handoff;

/// <summary>
/// <c>handoff</c>: the primary accepts every connection on the public endpoints and hands it to
/// the next ready worker in turn, passing the descriptor over that worker's handoff socket
/// (SCM_RIGHTS): Node cluster's default on Linux (SCHED_RR). A connection then belongs to that
/// worker for its life; the worker's Kestrel serves it (and terminates TLS) as if it had accepted
/// it itself. Unlike the kernel's choice (reuseport, shared), the turn is exact even with a few
/// long-lived connections, and it skips workers that are starting, draining or not keeping up.
/// </summary>
/// <remarks>
/// <para>Gated on acknowledgements (<see cref="HandoffRotation"/>): a worker holds at most
/// <see cref="HandoffRotation.MaxUnacknowledged"/> connections it has not acknowledged. When no
/// worker can take one, the primary stops accepting and connections wait in the listen backlog,
/// as they do while every worker restarts.</para>
/// <para>The primary keeps its descriptor of a handed connection until the worker acknowledges
/// it, which the worker does before reading a byte. A worker that exits (or drains) with
/// connections it never took gives them back: they go to another worker unread, or, when the
/// cluster stops before any can take them, are closed unread; both are counted
/// (<c>clusterhost_handoff_rerouted_total</c>, <c>clusterhost_handoff_closed_total</c>).</para>
/// <para>The listeners and the handoff sockets complete on .NET's socket event thread
/// (<see cref="InlineSocketCompletions"/>): an accept, its hand-over and an acknowledgement are a
/// few non-blocking calls each, and without the thread-pool hop per completion the primary spent
/// 23 µs of CPU per connection instead of 39 (loadtests/results/tuning.md).</para>
/// </remarks>
[SupportedOSPlatform("linux")]
internal sealed class HandoffFront : IClusterFront, IHandoffSink, IFrontMetricFamilies, IAsyncDisposable
{
    private readonly ClusterHostConfig _config;
    private readonly ServerCertificate _certificate;
    private readonly TimeProvider _time;
    private readonly ILogger<HandoffFront> _logger;
    private readonly HandoffRotation _rotation;
    private readonly HandoffMetrics _metrics = new();
    private readonly ConcurrentDictionary<WorkerInstance, HandoffChannel> _channels = new();
    private readonly Queue<HandedConnection> _parked = new();
    private readonly Lock _parkGate = new();
    private readonly CancellationTokenSource _accepting = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly ITimer _retry;
    private readonly List<Socket> _listeners = [];
    private readonly List<Task> _acceptLoops = [];
    private HandoffChannelServer? _server;
    private IReadOnlyList<IPEndPoint> _endpoints = [];
    private IReadOnlySet<IPEndPoint> _https = new HashSet<IPEndPoint>();
    private IReadOnlyList<string> _urls = [];
    private TaskCompletionSource _room = NewSignal();
    private uint _nextId;
    private bool _starved;
    private int _disposed;

    public HandoffFront(ClusterHostConfig config, ServerCertificate certificate, TimeProvider time, ILogger<HandoffFront> logger)
    {
        _config = config;
        _certificate = certificate;
        _time = time;
        _logger = logger;
        _rotation = new HandoffRotation(time);
        _rotation.Changed += OnRoomChanged;
        _retry = time.CreateTimer(_ => OnRoomChanged(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>
    /// When no worker's socket could take a connection for want of kernel memory (or their queues
    /// were full with nothing due back), the parked connections are offered again after this: 50 ms.
    /// </summary>
    internal static readonly TimeSpan RetryAfter = TimeSpan.FromMilliseconds(50);

    public BalancingMode Mode => BalancingMode.Handoff;

    public IReadOnlyList<string> Urls => _urls;

    internal HandoffRotation Rotation => _rotation;

    internal HandoffMetrics Metrics => _metrics;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (_certificate.IsConfigured)
        {
            // The workers read the files; this says which certificate they will serve.
            _certificate.Load();
            _certificate.WarnIfKeyExposed();
        }
        using var endpoints = _config.Activation.IsActive
            ? ActivatedEndpoints.Adopt(_config.Activation, _config.Urls)
            : PublicEndpointBinder.Bind(_config.Urls, BindAndListen);
        _endpoints = endpoints.Endpoints;
        _https = endpoints.HttpsEndpoints;
        _urls = endpoints.Urls;
        foreach (var endpoint in endpoints.Endpoints)
        {
            var listener = endpoints.Take(endpoint)!;
            InlineSocketCompletions.TryEnable(listener);
            _listeners.Add(listener);
        }
        if (_config.Activation.IsActive)
        {
            Log.ServingActivatedSockets(_logger, _listeners.Count, string.Join(", ", _urls));
        }
        _server = new HandoffChannelServer(AttachAsync, _time, _logger);
        for (var i = 0; i < _listeners.Count; i++)
        {
            _acceptLoops.Add(AcceptLoopAsync(_listeners[i], i));
        }
        return Task.CompletedTask;
    }

    private static Socket BindAndListen(IPEndPoint endpoint)
    {
        var socket = PublicEndpointBinder.BindListener(endpoint);
        try
        {
            socket.Listen(SharedSocketFront.Backlog);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public void ConfigureWorker(WorkerInstance instance, IDictionary<string, string?> environment)
    {
        var server = _server ?? throw new InvalidOperationException("StartAsync() first.");
        environment[WorkerEnvironmentVariables.ListenMode] = WorkerListenModes.Handoff;
        environment[WorkerEnvironmentVariables.Listen] = string.Join(';', _endpoints.Select(e => e.ToString()));
        environment[WorkerEnvironmentVariables.Handoff] = $"{server.Address} {server.Expect(instance)}";
        WorkerTlsEnvironment.Apply(_config, _https, environment);
    }

    public void WorkerReady(WorkerInstance instance) => _rotation.Ready(instance);

    public void WorkerLeaving(WorkerInstance instance)
    {
        _server?.Forget(instance);
        _rotation.Remove(instance);
    }

    /// <summary>Stops accepting; connections not yet accepted stay in the backlog until the listeners close at dispose.</summary>
    public async Task StopAcceptingAsync(CancellationToken cancellationToken)
    {
        await _accepting.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(_acceptLoops).ConfigureAwait(false);
    }

    private Task AttachAsync(WorkerInstance instance, Socket socket)
    {
        var channel = new HandoffChannel(instance, socket, this);
        _channels[instance] = channel;
        Log.HandoffChannelAttached(_logger, instance.WorkerId, instance.Generation);
        _rotation.Attached(instance);
        return channel.RunAsync(_stopping.Token);
    }

    private async Task AcceptLoopAsync(Socket listener, int endpointIndex)
    {
        var token = _accepting.Token;
        try
        {
            while (true)
            {
                await WaitForRoomAsync(token).ConfigureAwait(false);
                Socket accepted;
                try
                {
                    accepted = await listener.AcceptAsync(token).ConfigureAwait(false);
                }
                catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionAborted or SocketError.ConnectionReset
                    or SocketError.TooManyOpenSockets or SocketError.NoBufferSpaceAvailable)
                {
                    // The client gave up while queued, or the process is out of descriptors: the next one.
                    Log.HandoffAcceptFailed(_logger, e.SocketErrorCode);
                    if (e.SocketErrorCode is SocketError.TooManyOpenSockets or SocketError.NoBufferSpaceAvailable)
                    {
                        await Task.Delay(TimeSpan.FromMilliseconds(100), _time, token).ConfigureAwait(false);
                    }
                    continue;
                }
                Dispatch(new HandedConnection(accepted, endpointIndex));
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
        }
    }

    // Returns when no handed connection is waiting for a worker and some worker can take one more.
    private async Task WaitForRoomAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var signal = Volatile.Read(ref _room);
            bool parked;
            lock (_parkGate)
            {
                parked = _parked.Count > 0;
            }
            if (!parked && _rotation.HasRoom)
            {
                return;
            }
            await signal.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private void Dispatch(HandedConnection connection)
    {
        lock (_parkGate)
        {
            if (_parked.Count == 0 && TrySend(connection))
            {
                return;
            }
            _parked.Enqueue(connection);
        }
    }

    // Under _parkGate. True when a worker now holds it.
    // A worker whose send failed but that holds nothing to acknowledge stays in turn (a failure
    // that nothing would clear must not take a healthy worker out for good), so the failures
    // are bounded: after one more than there are workers, the connection is parked and offered
    // again after RetryAfter, when no acknowledgement has come first.
    private bool TrySend(HandedConnection connection)
    {
        var failures = 0;
        while (_rotation.TryReserve(out var instance))
        {
            if (!_channels.TryGetValue(instance, out var channel))
            {
                _rotation.NotSent(instance, queueFull: false);
                continue;
            }
            var result = channel.Send(connection, unchecked(++_nextId));
            switch (result)
            {
                case ScmSendResult.Sent:
                    _metrics.Handed(instance.WorkerId);
                    _starved = false;
                    return true;
                case ScmSendResult.WouldBlock or ScmSendResult.NoResources:
                    _rotation.NotSent(instance, queueFull: true);
                    if (result == ScmSendResult.NoResources && !_starved)
                    {
                        _starved = true;
                        Log.HandoffSendNoResources(_logger, instance.WorkerId, RetryAfter);
                    }
                    if (++failures > _channels.Count)
                    {
                        _retry.Change(RetryAfter, Timeout.InfiniteTimeSpan);
                        return false;
                    }
                    break;
                default:
                    _rotation.NotSent(instance, queueFull: false);
                    break;
            }
        }
        return false;
    }

    // Room may have appeared: hand the parked connections first, then wake the accept loops.
    // Never raised under _parkGate: TrySend changes the rotation only through calls that raise nothing.
    private void OnRoomChanged()
    {
        lock (_parkGate)
        {
            while (_parked.TryPeek(out var next) && TrySend(next))
            {
                _parked.Dequeue();
            }
        }
        Interlocked.Exchange(ref _room, NewSignal()).TrySetResult();
    }

    public void Accepted(WorkerInstance instance, HandedConnection connection)
    {
        connection.Release();
        _rotation.Acknowledged(instance);
    }

    public void Returned(WorkerInstance instance, HandedConnection connection)
    {
        _metrics.Rerouted(instance.WorkerId);
        connection.ReturnedBy = instance.WorkerId;
        _rotation.Acknowledged(instance);
        Dispatch(connection);
    }

    public void Leaving(WorkerInstance instance) => _rotation.Remove(instance);

    public void ChannelClosed(WorkerInstance instance, IReadOnlyList<HandedConnection> unacknowledged)
    {
        _channels.TryRemove(instance, out _);
        _rotation.Remove(instance);
        if (unacknowledged.Count == 0)
        {
            return;
        }
        Log.HandoffRerouting(_logger, instance.WorkerId, unacknowledged.Count);
        foreach (var connection in unacknowledged)
        {
            _metrics.Rerouted(instance.WorkerId);
            connection.ReturnedBy = instance.WorkerId;
            Dispatch(connection);
        }
    }

    public IReadOnlyList<MetricFamily> CollectFamilies()
    {
        var unacknowledged = new Dictionary<int, int>();
        foreach (var instance in _channels.Keys)
        {
            unacknowledged[instance.WorkerId] = unacknowledged.GetValueOrDefault(instance.WorkerId) + _rotation.Unacknowledged(instance);
        }
        return _metrics.Families(unacknowledged);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        await StopAcceptingAsync(CancellationToken.None).ConfigureAwait(false);
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_server is not null)
        {
            await _server.DisposeAsync().ConfigureAwait(false);
        }
        await _retry.DisposeAsync().ConfigureAwait(false);
        CloseParked();
        foreach (var listener in _listeners)
        {
            listener.Dispose();
        }
        _accepting.Dispose();
        _stopping.Dispose();
    }

    // Shutdown: whatever no worker took is closed unread.
    private void CloseParked()
    {
        lock (_parkGate)
        {
            var closed = 0;
            while (_parked.TryDequeue(out var connection))
            {
                if (connection.ReturnedBy is { } slot)
                {
                    _metrics.ClosedUnread(slot);
                }
                connection.Release();
                closed++;
            }
            if (closed > 0)
            {
                Log.HandoffClosedUnread(_logger, closed);
            }
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    public override string ToString() => $"handoff on {string.Join(", ", _urls)}";
}
