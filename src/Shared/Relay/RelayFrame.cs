using System.Buffers.Binary;

namespace ClusterHost.Relay;

/// <summary>
/// The SignalR relay's wire format, between a worker and the primary, on a Unix socket of its own
/// (never the JSON control channel, so a large broadcast cannot delay a heartbeat). A frame is a
/// 4-byte little-endian length N, then N bytes: a 4-byte little-endian peer number and the payload.
/// From a worker the peer is the target slot (<see cref="Everyone"/> for every other worker); from
/// the primary it is the slot that sent the payload. A worker's first frame is its hello: its own
/// slot as peer and its launch token (UTF-8) as payload. The primary never reads the payloads.
/// </summary>
internal static class RelayFrame
{
    /// <summary>Target of a frame for every worker but its sender.</summary>
    public const int Everyone = -1;

    /// <summary>Length prefix plus peer number.</summary>
    public const int HeaderBytes = 8;

    /// <summary>The largest frame (peer number and payload) either side accepts: 16 MiB, the control channel's line limit.</summary>
    public const int MaxFrameBytes = 16 * 1024 * 1024;

    /// <summary>The whole frame, header included, ready to write.</summary>
    public static byte[] Build(int peer, ReadOnlySpan<byte> payload)
    {
        var frame = new byte[HeaderBytes + payload.Length];
        BinaryPrimitives.WriteInt32LittleEndian(frame, 4 + payload.Length);
        BinaryPrimitives.WriteInt32LittleEndian(frame.AsSpan(4), peer);
        payload.CopyTo(frame.AsSpan(HeaderBytes));
        return frame;
    }

    /// <summary>Overwrites the peer number of a whole frame (the primary stamps the sender).</summary>
    public static void Stamp(byte[] frame, int peer) => BinaryPrimitives.WriteInt32LittleEndian(frame.AsSpan(4), peer);

    /// <summary>
    /// Reads one whole frame (header included), or null at the end of the stream.
    /// </summary>
    /// <exception cref="InvalidDataException">The length is out of range, or the stream ends inside a frame.</exception>
    public static async ValueTask<byte[]?> ReadAsync(Stream stream, CancellationToken cancellationToken)
    {
        var header = new byte[4];
        var read = await stream.ReadAtLeastAsync(header, 4, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        if (read == 0)
        {
            return null;
        }
        if (read < 4)
        {
            throw new InvalidDataException("the relay stream ended inside a frame header");
        }
        var length = BinaryPrimitives.ReadInt32LittleEndian(header);
        if (length < 4 || length > MaxFrameBytes)
        {
            throw new InvalidDataException($"a relay frame of {length} bytes is out of range (4 to {MaxFrameBytes})");
        }
        var frame = new byte[4 + length];
        header.CopyTo(frame, 0);
        await stream.ReadExactlyAsync(frame.AsMemory(4), cancellationToken).ConfigureAwait(false);
        return frame;
    }

    /// <summary>The peer number of a whole frame.</summary>
    public static int Peer(ReadOnlySpan<byte> frame) => BinaryPrimitives.ReadInt32LittleEndian(frame[4..]);

    /// <summary>The payload of a whole frame.</summary>
    public static ReadOnlyMemory<byte> Payload(byte[] frame) => frame.AsMemory(HeaderBytes);
}
