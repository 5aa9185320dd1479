using System.Text.Json;
using ClusterHost.Primary.Supervision.Standby;

namespace ClusterHost.Primary.Tests.Supervision.Standby;

public sealed class StandbyProcessTests
{
    [Fact]
    public void Serialize_IsOneLineOfJson_WithNullForWhatToRemove()
    {
        var changes = new Dictionary<string, string?>
        {
            ["CLUSTERHOST_WORKER_ID"] = "0",
            ["ODD"] = "two\nlines \"quoted\" ü",
            ["CLUSTERHOST_STANDBY"] = null,
        };

        var line = StandbyProcess.Serialize(changes);

        Assert.DoesNotContain('\n', line);
        using var document = JsonDocument.Parse(line);
        var read = document.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.ValueKind == JsonValueKind.Null ? null : p.Value.GetString());
        Assert.Equal(changes, read);
    }
}
