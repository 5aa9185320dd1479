using System.Net.Sockets;
using ClusterHost.Control;

namespace ClusterHost.Worker.Internal;

/// <summary>
/// This worker's control connection to the primary. The primary's death closes it (the kernel
/// closes the primary's end whatever killed it), which is how the worker learns it is orphaned:
/// PR_SET_PDEATHSIG would fire when the spawning *thread* exits, not the process.
/// </summary>
internal sealed class PrimaryConnection : IDisposable
{
    private readonly ControlChannel _channel;

    private PrimaryConnection(ControlChannel channel) => _channel = channel;

    /// <summary>Connects and introduces this process; throws when the primary is unreachable.</summary>
    public static PrimaryConnection Connect(WorkerEnvironment environment)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Connect(ControlAddress.ToEndPoint(environment.ControlAddress));
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw new InvalidOperationException(
                $"ClusterWorker: cannot reach the primary's control socket ({e.SocketErrorCode}); the primary that started worker {environment.WorkerId} is gone.", e);
        }
        var connection = new PrimaryConnection(new ControlChannel(socket));
        connection.Send(new HelloMessage(environment.Token, Environment.ProcessId));
        return connection;
    }

    /// <summary>Sends one message; says why when it was not sent.</summary>
    public ControlSendResult Send(ControlMessage message) => _channel.Send(message);

    /// <summary>The longest line the channel sends, in bytes.</summary>
    public int MaxLineBytes => _channel.MaxLineBytes;

    /// <summary>Blocks for the next message from the primary; null once the primary is gone.</summary>
    public ControlMessage? Receive() => _channel.Receive();

    public void ReportFatal(string error, string message) =>
        Send(new FatalMessage(error, message));

    public void Dispose() => _channel.Dispose();
}
