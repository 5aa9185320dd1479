using Microsoft.AspNetCore.SignalR;

namespace ClusterHost.Worker.SignalR;

/// <summary>
/// Writes and reads the relay payloads: the kind, the hub's name, then the kind's fields. A hub
/// message travels as SignalR serialized it for every protocol the app registered
/// (<see cref="SerializedMessage"/>: protocol name and bytes), so the receiving worker writes the
/// same bytes to its clients without serializing again, as the Redis backplane does.
/// </summary>
internal static class RelayPayload
{
    public static (BinaryWriter Writer, MemoryStream Buffer) Start(RelayMessageKind kind, string hub)
    {
        var buffer = new MemoryStream();
        var writer = new BinaryWriter(buffer, System.Text.Encoding.UTF8, leaveOpen: true);
        writer.Write((byte)kind);
        writer.Write(hub);
        return (writer, buffer);
    }

    public static void WriteStrings(BinaryWriter writer, IReadOnlyList<string>? values)
    {
        writer.Write(values?.Count ?? 0);
        if (values is not null)
        {
            foreach (var value in values)
            {
                writer.Write(value);
            }
        }
    }

    public static string[] ReadStrings(BinaryReader reader)
    {
        var count = reader.ReadInt32();
        var values = new string[count];
        for (var i = 0; i < count; i++)
        {
            values[i] = reader.ReadString();
        }
        return values;
    }

    public static void WriteMessages(BinaryWriter writer, IReadOnlyList<SerializedMessage> messages)
    {
        writer.Write(messages.Count);
        foreach (var message in messages)
        {
            writer.Write(message.ProtocolName);
            WriteBytes(writer, message.Serialized.Span);
        }
    }

    public static SerializedHubMessage ReadMessages(BinaryReader reader)
    {
        var count = reader.ReadInt32();
        var messages = new List<SerializedMessage>(count);
        for (var i = 0; i < count; i++)
        {
            var protocol = reader.ReadString();
            messages.Add(new SerializedMessage(protocol, ReadBytes(reader)));
        }
        return new SerializedHubMessage(messages);
    }

    public static void WriteBytes(BinaryWriter writer, ReadOnlySpan<byte> bytes)
    {
        writer.Write(bytes.Length);
        writer.Write(bytes);
    }

    public static byte[] ReadBytes(BinaryReader reader) => reader.ReadBytes(reader.ReadInt32());
}
