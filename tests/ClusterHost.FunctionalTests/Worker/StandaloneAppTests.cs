using ClusterHost.FunctionalTests.Infrastructure;
using Xunit.Abstractions;

namespace ClusterHost.FunctionalTests.Worker;

public sealed class StandaloneAppTests(ITestOutputHelper output)
{
    [Fact]
    public async Task AppWithoutPrimary_ServesAsAPlainKestrelApp()
    {
        await using var app = ClusterProcess.StartSampleAppAlone(output, "--urls", "http://127.0.0.1:0");
        var url = await app.WaitForListeningAsync();

        using var client = SampleAppClient.FreshConnections(url);
        var answer = await client.GetAsync();

        Assert.Equal(0, answer.Worker);
        Assert.Equal(app.Pid, answer.Pid);
    }
}
