using System.Net;
using System.Net.Sockets;
using ClusterHost.Primary.Platform;

namespace ClusterHost.Primary.Tests.Platform;

public sealed class InlineSocketCompletionsTests
{
    [Fact]
    public async Task Enabled_AnAcceptThatWaited_ContinuesOnTheSocketEventThread_NotTheThreadPool()
    {
        using var listener = Listen();
        Assert.True(InlineSocketCompletions.TryEnable(listener));

        Assert.False(await ContinuedOnThreadPoolAsync(listener));
    }

    [Fact]
    public async Task NotEnabled_AnAcceptThatWaited_ContinuesOnTheThreadPool()
    {
        using var listener = Listen();

        Assert.True(await ContinuedOnThreadPoolAsync(listener));
    }

    private static Socket Listen()
    {
        var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen();
        return listener;
    }

    // The accept is pending before the client connects, so the event loop completes it; a
    // continuation that runs synchronously shows the thread it completed on.
    private static async Task<bool> ContinuedOnThreadPoolAsync(Socket listener)
    {
        var accept = listener.AcceptAsync(CancellationToken.None).AsTask();
        Assert.False(accept.IsCompleted);
        var completedOnThreadPool = accept.ContinueWith(
            accepted =>
            {
                accepted.Result.Dispose();
                return Thread.CurrentThread.IsThreadPoolThread;
            },
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(listener.LocalEndPoint!);
        return await completedOnThreadPool;
    }
}
