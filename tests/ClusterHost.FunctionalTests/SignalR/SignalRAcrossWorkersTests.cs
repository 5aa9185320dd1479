using Microsoft.AspNetCore.SignalR.Client;

namespace ClusterHost.FunctionalTests.SignalR;

/// <summary>
/// What a hub sends reaches the clients of every worker (the primary relays it): broadcasts and
/// group messages reach all 20 clients, sends to a user or a connection of the other worker
/// arrive, a group add for a connection of the other worker is acknowledged and takes effect, and
/// a client result is asked of a client of the other worker and comes back.
/// </summary>
public abstract class SignalRAcrossWorkersTests<TCluster>(TCluster cluster) : IClassFixture<TCluster>
    where TCluster : ChatCluster
{
    private static readonly TimeSpan Delivery = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task BroadcastsAndGroupMessages_ReachAllTwentyClients()
    {
        var clients = cluster.Clients;
        var tag = Guid.NewGuid().ToString("N")[..8];
        await Task.WhenAll(clients.Select(c => c.Connection.InvokeAsync("JoinGroup", "room-" + tag)));

        var texts = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            var text = $"{tag} broadcast {i}";
            texts.Add(text);
            await clients[i * 3].Connection.InvokeAsync("SendToAll", text);
        }
        using (var http = new HttpClient())
        {
            var text = $"{tag} announcement";
            texts.Add(text);
            (await http.PostAsync(new Uri(cluster.Url, "/announce?text=" + Uri.EscapeDataString(text)), null)).EnsureSuccessStatusCode();
        }
        for (var i = 0; i < 3; i++)
        {
            var text = $"{tag} group {i}";
            texts.Add(text);
            await clients[i * 7].Connection.InvokeAsync("SendToGroup", "room-" + tag, text);
        }

        await Task.WhenAll(clients.SelectMany(c => texts.Select(t => c.WaitForAsync(t, Delivery))));
        var receivers = texts.ToDictionary(t => t, t => clients.Count(c => c.HasReceived(t)));
        Assert.All(receivers, pair => Assert.True(pair.Value == ChatCluster.ClientCount,
            $"'{pair.Key}' reached {pair.Value} of {ChatCluster.ClientCount} clients (on {clients.Select(c => c.ServerPid).Distinct().Count()} workers)"));
    }

    [Fact]
    public async Task SendsToAUserAndToAConnection_OfTheOtherWorker_Arrive()
    {
        var (sender, receiver) = cluster.OnDifferentWorkers();
        var tag = Guid.NewGuid().ToString("N")[..8];

        await sender.Connection.InvokeAsync("SendToUser", receiver.User, $"{tag} to user");
        await sender.Connection.InvokeAsync("SendToConnection", receiver.ConnectionId, $"{tag} to connection");

        Assert.True(await receiver.WaitForAsync($"{tag} to user", Delivery), "the send to the user did not arrive");
        Assert.True(await receiver.WaitForAsync($"{tag} to connection", Delivery), "the send to the connection did not arrive");
    }

    [Fact]
    public async Task AddToGroup_OfAConnectionOfTheOtherWorker_ItReceivesTheGroupsNextMessage()
    {
        var (sender, receiver) = cluster.OnDifferentWorkers();
        var group = "added-" + Guid.NewGuid().ToString("N")[..8];

        // Returns once the other worker acknowledged the add.
        await sender.Connection.InvokeAsync("AddToGroup", receiver.ConnectionId, group);
        await sender.Connection.InvokeAsync("SendToGroup", group, group + " first");

        Assert.True(await receiver.WaitForAsync(group + " first", Delivery), "the group's next message did not arrive");
        Assert.False(sender.HasReceived(group + " first"), "the sender is not in the group");
    }

    [Fact]
    public async Task AskClient_OfTheOtherWorker_ReturnsItsAnswer()
    {
        var (sender, receiver) = cluster.OnDifferentWorkers();

        using var timeout = new CancellationTokenSource(Delivery);
        var answer = await sender.Connection.InvokeAsync<string>("AskClient", receiver.ConnectionId, "q1", timeout.Token);

        Assert.Equal($"{receiver.User} answers q1", answer);
    }

    [Fact]
    public async Task TheHubLifetimeManager_IsTheClusters()
    {
        using var http = new HttpClient();
        Assert.Equal("ClusterHubLifetimeManager`1", await http.GetStringAsync(new Uri(cluster.Url, "/hub-lifetime-manager")));
    }
}
