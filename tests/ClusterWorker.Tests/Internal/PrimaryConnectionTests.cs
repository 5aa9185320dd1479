using System.Net.Sockets;
using ClusterHost.Control;
using ClusterHost.Worker.Internal;

namespace ClusterHost.Worker.Tests.Internal;

public sealed class PrimaryConnectionTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private readonly string _address = $"@clusterhost-test-{Guid.NewGuid():N}";
    private readonly Socket _listener = new(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);

    public PrimaryConnectionTests()
    {
        _listener.Bind(ControlAddress.ToEndPoint(_address));
        _listener.Listen(1);
    }

    public void Dispose() => _listener.Dispose();

    private WorkerEnvironment Environment(string address) => new()
    {
        ControlAddress = address,
        Token = "launch-secret",
        WorkerId = 1,
        WorkerCount = 2,
        ListenMode = WorkerListenModes.ReusePort,
        ShutdownTimeout = TimeSpan.FromSeconds(5),
    };

    [Fact]
    public async Task Connect_SaysHelloWithTheLaunchsTokenAndItsPid_ThenCarriesMessagesBothWays()
    {
        using var connection = PrimaryConnection.Connect(Environment(_address));
        using var primary = new ControlChannel(await _listener.AcceptAsync().WaitAsync(Bound));

        Assert.Equal(new HelloMessage("launch-secret", System.Environment.ProcessId), (await primary.ReadAsync(default).AsTask().WaitAsync(Bound)).Message);

        connection.ReportFatal(ControlErrors.AddressInUse, "in use");
        Assert.Equal(new FatalMessage(ControlErrors.AddressInUse, "in use"), (await primary.ReadAsync(default).AsTask().WaitAsync(Bound)).Message);

        Assert.True(primary.TrySend(new DrainMessage(1000)));
        Assert.Equal(new DrainMessage(1000), connection.Receive());
    }

    [Fact]
    public void Receive_ReturnsNull_OnceThePrimaryIsGone()
    {
        using var connection = PrimaryConnection.Connect(Environment(_address));
        _listener.Accept().Dispose();

        Assert.Null(connection.Receive());
        Assert.Equal(ControlSendResult.Closed, SendUntilRefused(connection));
    }

    [Fact]
    public void Connect_WithoutAPrimary_ExplainsThatThePrimaryIsGone()
    {
        var error = Assert.Throws<InvalidOperationException>(() => PrimaryConnection.Connect(Environment($"@clusterhost-test-nobody-{Guid.NewGuid():N}")));

        Assert.Contains("the primary that started worker 1 is gone", error.Message, StringComparison.Ordinal);
    }

    // A write to a closed Unix socket fails at once (EPIPE); the loop only bounds a surprise.
    private static ControlSendResult SendUntilRefused(PrimaryConnection connection)
    {
        for (var i = 0; i < 100; i++)
        {
            if (connection.Send(new HeartbeatMessage(i)) is not ControlSendResult.Sent and var result)
            {
                return result;
            }
        }
        return ControlSendResult.Sent;
    }
}
