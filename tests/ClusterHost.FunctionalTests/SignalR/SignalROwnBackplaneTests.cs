using ClusterHost.FunctionalTests.Hosting;
using ClusterHost.FunctionalTests.Infrastructure;
using Xunit.Abstractions;

namespace ClusterHost.FunctionalTests.SignalR;

/// <summary>An app that registered a hub lifetime manager of its own (its backplane) keeps it under the cluster.</summary>
public sealed class SignalROwnBackplaneTests(ITestOutputHelper output)
{
    [Fact]
    public async Task AnAppWithItsOwnHubLifetimeManager_KeepsIt_AndTheRelayIsNotUsed()
    {
        await using var primary = ClusterProcess.StartPrimary(output,
            "--app", TestApps.Dll("ChatRoom"), "--workers", "2", "--urls", "http://127.0.0.1:0", "--metrics-urls", "none",
            "--", "--ChatRoom:HubLifetimeManager=own");
        var (url, _) = await primary.WaitForReadyAsync();

        // Fresh connections, so that both workers answer.
        using var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.Zero });
        http.DefaultRequestHeaders.ConnectionClose = true;
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal("OwnHubLifetimeManager`1", await http.GetStringAsync(new Uri(url, "/hub-lifetime-manager")));
        }
        Assert.Contains(primary.Lines, line => line.Contains("registered its own SignalR hub lifetime manager (OwnHubLifetimeManager`1); it is kept", StringComparison.Ordinal));
        Assert.DoesNotContain(primary.Lines, line => line.Contains("joined the SignalR relay", StringComparison.Ordinal));
    }
}
