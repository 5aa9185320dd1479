using ClusterHost.Primary.Balancing.Proxy;
using ClusterHost.Primary.Configuration;
using ClusterHost.Primary.Supervision;
using ClusterHost.Text;
using Yarp.ReverseProxy.LoadBalancing;

namespace ClusterHost.Primary.Tests.Balancing.Proxy;

public sealed class ProxyConfigFactoryTests
{
    [Theory]
    [InlineData("round-robin", "RoundRobin")]
    [InlineData("least-requests", "LeastRequests")]
    [InlineData("power-of-two", "PowerOfTwoChoices")]
    [InlineData("random", "Random")]
    public void EveryBalancePolicy_MapsOntoYarpsPolicy(string name, string yarpPolicy)
    {
        Assert.True(EnumNames<ProxyBalancePolicy>.TryParse(name, out var policy));

        var cluster = Assert.Single(ProxyConfigFactory.Clusters(policy, []));

        Assert.Equal(yarpPolicy, cluster.LoadBalancingPolicy);
        Assert.Equal(yarpPolicy, ProxyConfigFactory.PolicyName(policy));
    }

    [Fact]
    public void EveryPolicyName_IsOneYarpKnows()
    {
        string[] yarp = [LoadBalancingPolicies.RoundRobin, LoadBalancingPolicies.LeastRequests, LoadBalancingPolicies.PowerOfTwoChoices, LoadBalancingPolicies.Random];

        Assert.All(Enum.GetValues<ProxyBalancePolicy>(), p => Assert.Contains(ProxyConfigFactory.PolicyName(p), yarp));
    }

    [Fact]
    public void Cluster_HasOneDestinationPerWorker_WithNoProbe_PassiveHealth_AndNoAffinity()
    {
        var cluster = Assert.Single(ProxyConfigFactory.Clusters(ProxyBalancePolicy.RoundRobin,
            [new WorkerDestination(new WorkerInstance(0, 1), "w0-1", "http://w0-1/"), new WorkerDestination(new WorkerInstance(1, 3), "w1-3", "http://127.0.0.1:4000/")]));

        Assert.Equal(ProxyConfigFactory.ClusterId, cluster.ClusterId);
        Assert.Equal(["w0-1", "w1-3"], cluster.Destinations!.Keys.Order());
        Assert.Equal("http://127.0.0.1:4000/", cluster.Destinations["w1-3"].Address);
        // No HTTP probe reaches the workers: their active health comes from their heartbeats.
        Assert.False(cluster.HealthCheck!.Active?.Enabled ?? false);
        Assert.All(cluster.Destinations.Values, d => Assert.Null(d.Health));
        Assert.Equal(WorkerAvailabilityPolicy.PolicyName, cluster.HealthCheck.AvailableDestinationsPolicy);
        var passive = cluster.HealthCheck.Passive!;
        Assert.True(passive.Enabled);
        Assert.Equal(WorkerFailureHealthPolicy.PolicyName, passive.Policy);
        Assert.Equal(TimeSpan.FromSeconds(5), passive.ReactivationPeriod);
        Assert.Null(cluster.SessionAffinity);
        Assert.Equal(new Version(1, 1), cluster.HttpRequest!.Version);
    }

    [Fact]
    public void Route_CatchesEveryPath_AndKeepsTheClientsHost()
    {
        var route = Assert.Single(ProxyConfigFactory.Routes());

        Assert.Equal(ProxyConfigFactory.ClusterId, route.ClusterId);
        Assert.Equal("{**catch-all}", route.Match.Path);
        Assert.Null(route.Match.Hosts);
        var transform = Assert.Single(route.Transforms!);
        Assert.True(bool.Parse(transform["RequestHeaderOriginalHost"]));
    }
}
