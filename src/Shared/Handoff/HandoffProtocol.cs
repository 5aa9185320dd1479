using System.Buffers.Binary;

namespace ClusterHost.Handoff;

/// <summary>
/// The handoff channel (<c>--mode handoff</c>): one SOCK_SEQPACKET Unix socket per worker launch,
/// apart from the JSON control channel, so a heartbeat never waits behind handed sockets and a
/// handed socket never waits behind a metrics answer. Every message is
/// <see cref="MessageLength"/> bytes, little-endian.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>Worker to primary, first: the launch's handoff token (<see cref="TokenLength"/> ASCII bytes).</item>
/// <item>Primary to worker: a <see cref="Handoff"/> carrying one accepted connection (SCM_RIGHTS):
///   its id and the index of the public endpoint it arrived on.</item>
/// <item>Worker to primary: <see cref="HandoffReply.Accepted"/> (Kestrel took it; sent before a
///   byte is read, so a connection that was not acknowledged was never read), or
///   <see cref="HandoffReply.Returned"/> (not taken, e.g. draining; the worker closed its copy),
///   or <see cref="HandoffReply.Leaving"/> (send no more).</item>
/// </list>
/// </remarks>
internal static class HandoffProtocol
{
    public const int MessageLength = 8;

    /// <summary>Length of a handoff token: 16 random bytes in hex.</summary>
    public const int TokenLength = 32;

    /// <summary>A handed connection: <c>[u32 id][u16 endpoint index][u16 0]</c>.</summary>
    public static void WriteHandoff(Span<byte> message, uint id, int endpointIndex)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(message, id);
        BinaryPrimitives.WriteUInt16LittleEndian(message[4..], checked((ushort)endpointIndex));
        BinaryPrimitives.WriteUInt16LittleEndian(message[6..], 0);
    }

    public static (uint Id, int EndpointIndex) ReadHandoff(ReadOnlySpan<byte> message) =>
        (BinaryPrimitives.ReadUInt32LittleEndian(message), BinaryPrimitives.ReadUInt16LittleEndian(message[4..]));

    /// <summary>A reply: <c>[u32 id][u8 kind][3 × 0]</c>.</summary>
    public static void WriteReply(Span<byte> message, HandoffReply reply, uint id)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(message, id);
        message[4] = (byte)reply;
        message[5..MessageLength].Clear();
    }

    public static (HandoffReply Reply, uint Id) ReadReply(ReadOnlySpan<byte> message) =>
        ((HandoffReply)message[4], BinaryPrimitives.ReadUInt32LittleEndian(message));
}
