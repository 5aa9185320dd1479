using ClusterHost.Worker.SignalR;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;

namespace ClusterHost.Worker.Tests.SignalR;

public sealed class RelayPayloadTests
{
    [Fact]
    public void AMessageSerializedForEveryProtocol_ReadsBackAsTheSameBytesPerProtocol()
    {
        var (writer, buffer) = RelayPayload.Start(RelayMessageKind.Groups, "Chat.Hub");
        RelayPayload.WriteStrings(writer, ["room", "lobby"]);
        RelayPayload.WriteStrings(writer, []);
        RelayPayload.WriteMessages(writer, [new SerializedMessage("json", new byte[] { 1, 2, 3 }), new SerializedMessage("messagepack", new byte[] { 9 })]);
        writer.Flush();

        using var reader = new BinaryReader(new MemoryStream(buffer.ToArray()));
        Assert.Equal(RelayMessageKind.Groups, (RelayMessageKind)reader.ReadByte());
        Assert.Equal("Chat.Hub", reader.ReadString());
        Assert.Equal(["room", "lobby"], RelayPayload.ReadStrings(reader));
        Assert.Empty(RelayPayload.ReadStrings(reader));
        var message = RelayPayload.ReadMessages(reader);
        Assert.Equal(new byte[] { 1, 2, 3 }, message.GetSerializedMessage(new JsonHubProtocol()).ToArray());
    }
}
