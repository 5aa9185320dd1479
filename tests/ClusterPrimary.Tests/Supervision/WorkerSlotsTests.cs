using ClusterHost.Primary.Balancing;
using ClusterHost.Primary.Configuration;
using ClusterHost.Primary.Supervision;
using Microsoft.Extensions.Logging.Abstractions;

namespace ClusterHost.Primary.Tests.Supervision;

public sealed class WorkerSlotsTests
{
    private static readonly ClusterHostConfig Config = new()
    {
        Workers = 1,
        Urls = ListenUrlParser.Parse("http://127.0.0.1:0", new List<string>()),
        Mode = BalancingMode.ReusePort,
        AppPath = "/app/App.dll",
        ShutdownTimeout = TimeSpan.FromSeconds(5),
        StartTimeout = TimeSpan.FromSeconds(30),
        MaxRestarts = 5,
    };

    private static WorkerSlot NewSlot(int id) =>
        new(id, new UnusedWorkerLauncher(), new ReusePortFront(Config, new ServerCertificate(Config, TimeProvider.System, NullLogger<ServerCertificate>.Instance), NullLogger<ReusePortFront>.Instance), Config, TimeProvider.System, NullLogger.Instance);

    [Fact]
    public void TryAdd_GivesTheNextId_AndCounts()
    {
        var slots = new WorkerSlots();

        var first = slots.TryAdd(NewSlot);
        var second = slots.TryAdd(NewSlot);

        Assert.Equal([0, 1], new[] { first!.Id, second!.Id });
        Assert.Equal(2, slots.Count);
        Assert.Equal([0, 1], slots.Current.Select(s => s.Id));
    }

    [Fact]
    public void TryRemoveLast_RemovesTheHighest_ButNeverTheLastOne()
    {
        var slots = new WorkerSlots();
        slots.TryAdd(NewSlot);
        slots.TryAdd(NewSlot);

        Assert.Equal(1, slots.TryRemoveLast()?.Id);
        Assert.Null(slots.TryRemoveLast());
        Assert.Equal(1, slots.Count);
    }

    [Fact]
    public void TryAdd_AtTheWorkerLimit_AddsNone()
    {
        var slots = new WorkerSlots();
        for (var i = 0; i < ClusterHostOptionsValidator.MaxWorkers; i++)
        {
            Assert.NotNull(slots.TryAdd(NewSlot));
        }

        Assert.Null(slots.TryAdd(NewSlot));
        Assert.Equal(ClusterHostOptionsValidator.MaxWorkers, slots.Count);
    }

    [Fact]
    public void Close_ReturnsTheSlots_AndNoneIsAddedOrRemovedAfter()
    {
        var slots = new WorkerSlots();
        slots.TryAdd(NewSlot);
        slots.TryAdd(NewSlot);

        Assert.Equal(2, slots.Close().Count);

        Assert.True(slots.IsClosed);
        Assert.Null(slots.TryAdd(NewSlot));
        Assert.Null(slots.TryRemoveLast());
        Assert.Equal(2, slots.Count);
    }
}
