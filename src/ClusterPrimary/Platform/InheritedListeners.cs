using System.Net.Sockets;
using System.Runtime.Versioning;

namespace ClusterHost.Primary.Platform;

/// <summary>
/// Listening sockets the workers inherit (<c>--mode shared</c>): each stays close-on-exec in the
/// primary, and is made inheritable only for the moment a worker is started, under one
/// process-wide lock that every child start of the primary takes. So the workers get them, at
/// the same descriptor numbers, and no other child does (the hung-worker stack capture, for one).
/// </summary>
/// <remarks>
/// <see cref="System.Diagnostics.Process.Start()"/> cannot map descriptors into a child: fork and
/// exec keep every descriptor without FD_CLOEXEC, and nothing else. The sockets are not owned
/// here: their front disposes them.
/// </remarks>
[SupportedOSPlatform("linux")]
internal sealed class InheritedListeners
{
    // Process-wide: descriptor flags belong to the process, and any fork inherits them.
    private static readonly Lock ForkGate = new();

    private readonly List<Socket> _sockets = [];

    /// <summary>The descriptor numbers the workers inherit, in the order shared.</summary>
    public IReadOnlyList<int> Descriptors
    {
        get
        {
            lock (ForkGate)
            {
                return [.. _sockets.Select(s => (int)s.Handle)];
            }
        }
    }

    /// <summary>Makes <paramref name="socket"/> one the workers inherit; it is closed on exec until then.</summary>
    public void Share(Socket socket)
    {
        lock (ForkGate)
        {
            CloseOnExec.Set((int)socket.Handle, closeOnExec: true);
            _sockets.Add(socket);
        }
    }

    /// <summary>Starts a worker with <paramref name="start"/>: it inherits the shared sockets.</summary>
    public T StartWorker<T>(Func<T> start)
    {
        lock (ForkGate)
        {
            SetInheritable(true);
            try
            {
                return start();
            }
            finally
            {
                SetInheritable(false);
            }
        }
    }

    /// <summary>Starts any other child with <paramref name="start"/>: it inherits none of the shared sockets.</summary>
    public static T StartOther<T>(Func<T> start)
    {
        lock (ForkGate)
        {
            return start();
        }
    }

    private void SetInheritable(bool inheritable)
    {
        foreach (var socket in _sockets)
        {
            CloseOnExec.Set((int)socket.Handle, closeOnExec: !inheritable);
        }
    }
}
