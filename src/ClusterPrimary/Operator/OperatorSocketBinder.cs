using System.Net.Sockets;
using System.Runtime.Versioning;
using System.Security.Cryptography;

namespace ClusterHost.Primary.Operator;

/// <summary>
/// Creates the control socket at its path with mode 0600 and no moment at which it is wider: it is
/// bound inside a fresh 0700 directory beside the path, made 0600, and renamed into place. A socket
/// file left by a primary that is gone (nothing accepts on it) is replaced; one a live primary
/// listens on is not.
/// </summary>
[SupportedOSPlatform("linux")]
internal static class OperatorSocketBinder
{
    /// <summary>The socket file's mode: its user only.</summary>
    public const UnixFileMode SocketMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private const UnixFileMode PrivateDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>A listening socket at <paramref name="path"/>.</summary>
    /// <exception cref="ClusterStartupException">Another primary listens there, or the path cannot be used.</exception>
    public static Socket Bind(string path)
    {
        var directory = Path.GetDirectoryName(path)!;
        if (File.Exists(path) || Directory.Exists(path))
        {
            if ((File.GetAttributes(path) & FileAttributes.Directory) != 0 || !IsSocket(path))
            {
                throw Refused(path, "it exists and is not a socket; remove it or choose another --control-socket");
            }
            if (IsListening(path))
            {
                throw Refused(path, "another primary is listening on it; stop that one (clusterhost stop), or give this one its own --control-socket");
            }
        }

        var temporary = Path.Combine(directory, $".ch{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3))}");
        var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            Directory.CreateDirectory(temporary, PrivateDirectory);
            var bound = Path.Combine(temporary, "s");
            listener.Bind(new UnixDomainSocketEndPoint(bound));
            File.SetUnixFileMode(bound, SocketMode);
            listener.Listen(64);
            File.Move(bound, path, overwrite: true); // rename(2): atomic, replaces a stale socket
            return listener;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or SocketException)
        {
            listener.Dispose();
            throw Refused(path, e.Message.TrimEnd('.'));
        }
        finally
        {
            try
            {
                Directory.Delete(temporary, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
        }
    }

    /// <summary>True when something accepts connections on the socket at <paramref name="path"/>.</summary>
    public static bool IsListening(string path)
    {
        using var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            probe.Connect(new UnixDomainSocketEndPoint(path));
            return true;
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionRefused or SocketError.AddressNotAvailable)
        {
            return false;
        }
        catch (SocketException)
        {
            return true; // it exists and answers something else (EACCES: another user's): leave it be
        }
    }

    private static bool IsSocket(string path)
    {
        // .NET has no file-type query for sockets; a socket is neither a file nor a directory to it,
        // and has length 0 with no data to read. UnixFileMode cannot tell either, so ask the kernel.
        var info = new FileInfo(path);
        return info.Exists && info.Length == 0 && info.LinkTarget is null && !CanOpen(path);
    }

    private static bool CanOpen(string path)
    {
        try
        {
            using var _ = File.OpenHandle(path, FileMode.Open, FileAccess.Read);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false; // ENXIO: a socket
        }
    }

    private static ClusterStartupException Refused(string path, string reason) =>
        new($"cannot listen on control socket {path}: {reason}", ExitCodes.Failure);
}
