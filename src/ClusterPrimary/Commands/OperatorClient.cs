using System.Net.Sockets;
using ClusterHost.Primary.Configuration;
using ClusterHost.Primary.Operator;

namespace ClusterHost.Primary.Commands;

/// <summary>
/// The client end of the control socket: finds the socket (the explicit path, or the default for
/// the current directory's app), connects, sends one request and reads the replies. Every
/// failure to reach a primary is an <see cref="OperatorUnreachableException"/> with one line for people.
/// </summary>
internal sealed class OperatorClient : IDisposable
{
    private readonly OperatorChannel _channel;

    private OperatorClient(OperatorChannel channel, string path)
    {
        _channel = channel;
        Path = path;
    }

    /// <summary>The socket connected to.</summary>
    public string Path { get; }

    /// <summary>The socket for <paramref name="explicitPath"/>, or the one default socket of the apps run from <paramref name="directory"/>.</summary>
    /// <exception cref="OperatorUnreachableException">None, or several.</exception>
    public static string Locate(string? explicitPath, string directory)
    {
        if (!string.IsNullOrWhiteSpace(explicitPath))
        {
            return System.IO.Path.GetFullPath(explicitPath);
        }
        var socketDirectory = OperatorSocketPath.DefaultDirectory(Environment.GetEnvironmentVariable, StateDirectory.DefaultForThisProcess);
        var found = OperatorSocketPath.FindDefaults(socketDirectory, directory);
        return found.Count switch
        {
            1 => found[0],
            0 => throw new OperatorUnreachableException(
                $"no primary runs from {directory}: no control socket *-{OperatorSocketPath.DirectoryHash(directory)}.sock in {socketDirectory}; run this where clusterhost runs, or give --control-socket PATH"),
            _ => throw new OperatorUnreachableException(
                $"several primaries run from {directory} ({string.Join(", ", found.Select(System.IO.Path.GetFileName))}); pick one with --control-socket PATH"),
        };
    }

    /// <exception cref="OperatorUnreachableException">Nothing listens there, or it refuses this user.</exception>
    public static async Task<OperatorClient> ConnectAsync(string path, CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw new OperatorUnreachableException(e.SocketErrorCode switch
            {
                SocketError.ConnectionRefused when File.Exists(path) => $"no primary listens on {path}: a stale socket (the primary that made it is gone)",
                SocketError.ConnectionRefused or SocketError.AddressNotAvailable => $"no primary listens on {path}: no such socket",
                SocketError.AccessDenied => $"permission denied on {path}: the control socket belongs to another user (run as that user or root)",
                _ => $"cannot connect to {path}: {e.Message}",
            });
        }
        return new OperatorClient(new OperatorChannel(socket), path);
    }

    /// <summary>Sends <paramref name="request"/>; the replies follow through <see cref="ReceiveAsync"/>.</summary>
    public async Task SendAsync(OperatorMessage request, CancellationToken cancellationToken)
    {
        if (!await _channel.SendAsync(request, cancellationToken).ConfigureAwait(false))
        {
            // It may have said why (a refusal) before closing.
            if (await ReceiveAsync(cancellationToken).ConfigureAwait(false) is DoneReply { Ok: false } refusal)
            {
                throw new OperatorUnreachableException(refusal.Message);
            }
            throw new OperatorUnreachableException($"the primary at {Path} closed the connection");
        }
    }

    /// <summary>The next reply; null when the primary closed the connection.</summary>
    /// <exception cref="OperatorUnreachableException">The primary sent something that is not a reply.</exception>
    public async Task<OperatorMessage?> ReceiveAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await _channel.ReceiveAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidDataException e)
        {
            throw new OperatorUnreachableException($"the primary at {Path} answered something unexpected: {e.Message}");
        }
    }

    public void Dispose() => _channel.Dispose();
}
