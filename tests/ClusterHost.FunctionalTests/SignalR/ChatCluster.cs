using ClusterHost.FunctionalTests.Hosting;
using ClusterHost.FunctionalTests.Infrastructure;

namespace ClusterHost.FunctionalTests.SignalR;

/// <summary>
/// One cluster of tests/Apps/ChatRoom (an ordinary SignalR app: no reference to ClusterHost),
/// 2 workers in <see cref="Mode"/>, with <see cref="ClientCount"/> clients connected over both
/// workers, shared by the tests of a class.
/// </summary>
public abstract class ChatCluster : IAsyncLifetime
{
    public const int ClientCount = 20;

    private ClusterProcess? _primary;
    private readonly List<RoomMember> _clients = [];

    protected abstract string Mode { get; }

    internal ClusterProcess Primary => _primary ?? throw new InvalidOperationException("not started");

    public Uri Url { get; private set; } = null!;

    public int[] WorkerPids { get; private set; } = [];

    internal IReadOnlyList<RoomMember> Clients => _clients;

    public async Task InitializeAsync()
    {
        _primary = ClusterProcess.StartPrimary(null,
            "--app", TestApps.Dll("ChatRoom"), "--workers", "2", "--mode", Mode, "--urls", "http://127.0.0.1:0", "--metrics-urls", "none");
        (Url, WorkerPids) = await _primary.WaitForReadyAsync();
        _clients.AddRange(await Task.WhenAll(Enumerable.Range(0, ClientCount).Select(i => RoomMember.ConnectAsync(Url, $"user{i}"))));

        // The "other worker" tests need clients on both: move clients off the busier worker until
        // both hold some (the kernel or the proxy places each new connection; bounded).
        for (var attempt = 0; attempt < 100 && _clients.Select(c => c.ServerPid).Distinct().Count() < 2; attempt++)
        {
            var moved = _clients[attempt % ClientCount];
            await moved.DisposeAsync();
            _clients[attempt % ClientCount] = await RoomMember.ConnectAsync(Url, moved.User);
        }
    }

    /// <summary>Two clients on different workers.</summary>
    internal (RoomMember Sender, RoomMember Receiver) OnDifferentWorkers()
    {
        var sender = _clients[0];
        var receiver = _clients.FirstOrDefault(c => c.ServerPid != sender.ServerPid)
            ?? throw new InvalidOperationException($"all {ClientCount} clients are on worker pid {sender.ServerPid}");
        return (sender, receiver);
    }

    public async Task DisposeAsync()
    {
        foreach (var client in _clients)
        {
            await client.DisposeAsync();
        }
        if (_primary is not null)
        {
            await _primary.DisposeAsync();
        }
    }
}
