using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace ClusterHost.FunctionalTests.Infrastructure;

/// <summary>
/// A service manager's end of systemd's notify protocol: a Unix datagram socket whose path a
/// process gets as <c>NOTIFY_SOCKET</c>. Every datagram is kept with when it arrived.
/// </summary>
internal sealed class NotifySocket : IAsyncDisposable
{
    private readonly Socket _socket = new(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
    private readonly List<(TimeSpan At, string Message)> _messages = [];
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _receiving;

    public NotifySocket()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"clusterhost-notify-{Guid.NewGuid():N}.sock");
        _socket.Bind(new UnixDomainSocketEndPoint(Path));
        _receiving = Task.Run(ReceiveAsync);
    }

    /// <summary>The socket's path: the value of <c>NOTIFY_SOCKET</c>.</summary>
    public string Path { get; }

    /// <summary>Time since this socket was made.</summary>
    public TimeSpan Now => _clock.Elapsed;

    /// <summary>Every message so far, oldest first.</summary>
    public IReadOnlyList<(TimeSpan At, string Message)> Messages
    {
        get
        {
            lock (_messages)
            {
                return [.. _messages];
            }
        }
    }

    /// <summary>Waits for a message, after the first <paramref name="after"/>, with the line <paramref name="line"/>; returns its index.</summary>
    public async Task<int> WaitForAsync(string line, int after = 0, TimeSpan? timeout = null)
    {
        var deadline = _clock.Elapsed + (timeout ?? ClusterProcess.Patience);
        while (true)
        {
            var messages = Messages;
            for (var i = after; i < messages.Count; i++)
            {
                if (messages[i].Message.Split('\n').Contains(line))
                {
                    return i;
                }
            }
            if (_clock.Elapsed > deadline)
            {
                throw new TimeoutException($"No '{line}' within {timeout ?? ClusterProcess.Patience}; received:\n{string.Join("\n", messages.Select(m => $"{m.At.TotalSeconds:F2} {m.Message.Replace('\n', ' ')}"))}");
            }
            await Task.Delay(20);
        }
    }

    private async Task ReceiveAsync()
    {
        var buffer = new byte[4096];
        while (!_stop.IsCancellationRequested)
        {
            int read;
            try
            {
                read = await _socket.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            lock (_messages)
            {
                _messages.Add((_clock.Elapsed, Encoding.UTF8.GetString(buffer, 0, read)));
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _receiving;
        _socket.Dispose();
        _stop.Dispose();
        File.Delete(Path);
    }
}
