using ClusterHost.Primary.Balancing.Proxy;
using ClusterHost.Primary.Configuration;
using ClusterHost.Primary.Supervision;

namespace ClusterHost.Primary.Tests.Balancing.Proxy;

public sealed class WorkerRotationTests
{
    private static WorkerDestination Launch(int workerId, long generation) =>
        new(new WorkerInstance(workerId, generation), $"w{workerId}-{generation}", $"http://w{workerId}-{generation}/");

    private static IEnumerable<string> Destinations(WorkerRotation rotation) =>
        Assert.Single(rotation.Config.GetConfig().Clusters).Destinations!.Keys.Order();

    [Fact]
    public void LaunchedWorker_GetsNoTrafficUntilReady()
    {
        var rotation = new WorkerRotation(ProxyBalancePolicy.RoundRobin);

        rotation.Launched(Launch(0, 1));

        Assert.Empty(Destinations(rotation));
        Assert.Equal("w0-1", rotation.Ready(new WorkerInstance(0, 1))!.DestinationId);
        Assert.Equal(["w0-1"], Destinations(rotation));
    }

    [Fact]
    public void LeavingWorker_IsRemovedAtOnce_AndTheConfigurationChangeIsSignalled()
    {
        var rotation = new WorkerRotation(ProxyBalancePolicy.LeastRequests);
        rotation.Launched(Launch(0, 1));
        rotation.Launched(Launch(1, 1));
        rotation.Ready(new WorkerInstance(0, 1));
        rotation.Ready(new WorkerInstance(1, 1));
        var before = rotation.Config.GetConfig();

        Assert.Equal("w0-1", rotation.Leaving(new WorkerInstance(0, 1), out var wasInRotation)!.DestinationId);
        Assert.True(wasInRotation);

        Assert.True(before.ChangeToken.HasChanged);
        Assert.Equal(["w1-1"], Destinations(rotation));
        Assert.Equal("LeastRequests", Assert.Single(rotation.Config.GetConfig().Clusters).LoadBalancingPolicy);
        Assert.Null(rotation.Leaving(new WorkerInstance(0, 1), out _));
    }

    [Fact]
    public void LeavingWorker_ThatNeverBecameReady_IsForgotten_AndWasNotInRotation()
    {
        var rotation = new WorkerRotation(ProxyBalancePolicy.RoundRobin);
        rotation.Launched(Launch(0, 1));

        Assert.Equal("w0-1", rotation.Leaving(new WorkerInstance(0, 1), out var wasInRotation)!.DestinationId);

        Assert.False(wasInRotation);
        Assert.Empty(Destinations(rotation));
        Assert.Null(rotation.Leaving(new WorkerInstance(0, 1), out _));
    }

    [Fact]
    public void RestartedWorker_ReturnsAsANewDestination()
    {
        var rotation = new WorkerRotation(ProxyBalancePolicy.RoundRobin);
        rotation.Launched(Launch(0, 1));
        rotation.Ready(new WorkerInstance(0, 1));
        rotation.Leaving(new WorkerInstance(0, 1), out _);

        rotation.Launched(Launch(0, 2));
        Assert.Empty(Destinations(rotation));
        rotation.Ready(new WorkerInstance(0, 2));

        Assert.Equal(["w0-2"], Destinations(rotation));
        Assert.Equal("w0-2", Assert.Single(rotation.Current).DestinationId);
    }

    [Fact]
    public void Replacement_BothLaunchesServeUntilTheOldOneLeaves_AndItsLeavingKeepsTheNewOne()
    {
        var rotation = new WorkerRotation(ProxyBalancePolicy.RoundRobin);
        rotation.Launched(Launch(0, 1));
        rotation.Ready(new WorkerInstance(0, 1));

        rotation.Launched(Launch(0, 2));
        rotation.Ready(new WorkerInstance(0, 2));
        Assert.Equal(["w0-1", "w0-2"], Destinations(rotation));
        rotation.Leaving(new WorkerInstance(0, 1), out _);

        Assert.Equal(["w0-2"], Destinations(rotation));
    }

    [Fact]
    public void LaunchThatNeverBecameReady_IsForgottenByTheSlotsNextLaunch_OrWhenItLeaves()
    {
        var rotation = new WorkerRotation(ProxyBalancePolicy.RoundRobin);
        rotation.Launched(Launch(0, 1));
        rotation.Launched(Launch(1, 1));

        var superseded = rotation.Launched(Launch(0, 2));

        Assert.Equal(["w0-1"], superseded.Select(d => d.DestinationId));
        Assert.Null(rotation.Ready(new WorkerInstance(0, 1)));
        Assert.Equal("w1-1", rotation.Leaving(new WorkerInstance(1, 1), out _)!.DestinationId);
        Assert.Null(rotation.Ready(new WorkerInstance(1, 1)));
        Assert.Empty(Destinations(rotation));
    }

    [Fact]
    public void ReadyWithoutALaunch_ChangesNothing()
    {
        var rotation = new WorkerRotation(ProxyBalancePolicy.RoundRobin);

        Assert.Null(rotation.Ready(new WorkerInstance(3, 1)));
        Assert.Empty(Destinations(rotation));
    }
}
