using System.Net.Sockets;
using ClusterHost.Control;

namespace ClusterHost.Primary.Tests.TestUtilities;

/// <summary>Two connected Unix stream sockets, through a listener on a fresh abstract address.</summary>
internal sealed class UnixSocketPair : IDisposable
{
    private UnixSocketPair(Socket left, Socket right)
    {
        Left = left;
        Right = right;
    }

    public Socket Left { get; }

    public Socket Right { get; }

    public static async Task<UnixSocketPair> CreateAsync()
    {
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(ControlAddress.ToEndPoint($"@clusterhost-test-{Guid.NewGuid():N}"));
        listener.Listen(1);
        var left = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await left.ConnectAsync(listener.LocalEndPoint!);
        var right = await listener.AcceptAsync();
        return new UnixSocketPair(left, right);
    }

    public void Dispose()
    {
        Left.Dispose();
        Right.Dispose();
    }
}
