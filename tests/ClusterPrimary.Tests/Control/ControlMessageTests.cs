using System.Text.Json;
using ClusterHost.Control;
using ClusterHost.Metrics;

namespace ClusterHost.Primary.Tests.Control;

public sealed class ControlMessageTests
{
    // Every message type, and the line it is on the wire: the same lines the property-bag
    // protocol wrote, so a worker and a primary of either version understand each other.
    private static readonly (ControlMessage Message, string Line)[] Examples =
    [
        (new HelloMessage("A1B2", 4242), """{"type":"hello","token":"A1B2","pid":4242}"""),
        (new ReadyMessage(), """{"type":"ready"}"""),
        (new HeartbeatMessage(17), """{"type":"heartbeat","requests":17}"""),
        (new FatalMessage(ControlErrors.AddressInUse, "127.0.0.1:80: in use"), """{"type":"fatal","error":"address-in-use","message":"127.0.0.1:80: in use"}"""),
        (new DrainMessage(30000), """{"type":"drain","timeoutMs":30000}"""),
        (new MetricsRequestMessage(9), """{"type":"metrics-request","id":9}"""),
        (new MetricsMessage { Id = 9, Message = "callback failed" }, """{"type":"metrics","id":9,"message":"callback failed"}"""),
        (
            new MetricsMessage { Id = 10, Metrics = new WorkerMetricsSnapshot { AppVersion = "1.2", Families = [new MetricFamilySnapshot { Name = "app.requests", Kind = MetricKinds.Counter }] } },
            """{"type":"metrics","id":10,"metrics":{"appVersion":"1.2","families":[{"name":"app.requests","kind":"counter","points":[]}]}}"""
        ),
    ];

    public static TheoryData<int> Messages => new(Enumerable.Range(0, Examples.Length));

    [Theory]
    [MemberData(nameof(Messages))]
    public void EveryMessage_IsOneJsonObjectWithItsTypeFirst(int example)
    {
        var (message, line) = Examples[example];

        Assert.Equal(line, JsonSerializer.Serialize(message, ControlJsonContext.Default.ControlMessage));
    }

    [Theory]
    [MemberData(nameof(Messages))]
    public void EveryMessage_ReadsBackAsTheSameRecord(int example)
    {
        var (message, line) = Examples[example];
        var back = JsonSerializer.Deserialize(line, ControlJsonContext.Default.ControlMessage);

        Assert.IsType(message.GetType(), back);
        Assert.Equal(line, JsonSerializer.Serialize(back!, ControlJsonContext.Default.ControlMessage));
        if (message is not MetricsMessage { Metrics: not null })
        {
            Assert.Equal(message, back); // value equality; a snapshot's lists compare by reference
        }
    }

    [Fact]
    public void TheTypeProperty_MayComeAnywhereInTheObject()
    {
        var message = JsonSerializer.Deserialize("""{"requests":5,"type":"heartbeat"}""", ControlJsonContext.Default.ControlMessage);

        Assert.Equal(new HeartbeatMessage(5), message);
    }

    [Fact]
    public void PropertiesAMessageDoesNotHave_AreIgnored()
    {
        // What a worker of the property-bag protocol sent.
        var message = JsonSerializer.Deserialize("""{"type":"ready","pid":42}""", ControlJsonContext.Default.ControlMessage);

        Assert.IsType<ReadyMessage>(message);
    }

    [Theory]
    [InlineData("""{"type":"hello","pid":1}""")]
    [InlineData("""{"type":"hello","token":null,"pid":1}""")]
    [InlineData("""{"type":"heartbeat"}""")]
    [InlineData("""{"type":"fatal","error":"x"}""")]
    public void AMessageMissingAField_IsRejected(string line)
    {
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize(line, ControlJsonContext.Default.ControlMessage));
    }
}
