using ClusterHost.Primary.Balancing.Proxy;
using ClusterHost.Primary.Configuration;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Health;
using Yarp.ReverseProxy.Model;

namespace ClusterHost.Primary.Tests.Balancing.Proxy;

public sealed class WorkerFailureHealthPolicyTests
{
    private sealed class ErrorFeature(ForwarderError error, Exception? exception) : IForwarderErrorFeature
    {
        public ForwarderError Error { get; } = error;
        public Exception? Exception { get; } = exception;
    }

    private sealed class RecordingHealthUpdater : IDestinationHealthUpdater
    {
        public List<(string Destination, DestinationHealth Health, TimeSpan Period)> Passive { get; } = [];

        public void SetActive(ClusterState cluster, IEnumerable<NewActiveDestinationHealth> newHealthStates) { }

        public void SetPassive(ClusterState cluster, DestinationState destination, DestinationHealth newHealth, TimeSpan reactivationPeriod) =>
            Passive.Add((destination.DestinationId, newHealth, reactivationPeriod));
    }

    private sealed class RecordingPolicy(string name) : IPassiveHealthCheckPolicy
    {
        public string Name => name;
        public List<string> Seen { get; } = [];
        public void RequestProxied(HttpContext context, ClusterState cluster, DestinationState destination) => Seen.Add(destination.DestinationId);
    }

    private static (WorkerFailureHealthPolicy Policy, RecordingHealthUpdater Updater, RecordingPolicy FailureRate, ClusterState Cluster) Create()
    {
        var updater = new RecordingHealthUpdater();
        var failureRate = new RecordingPolicy("TransportFailureRate");
        var services = new ServiceCollection();
        services.AddSingleton<IPassiveHealthCheckPolicy>(failureRate);
        var policy = new WorkerFailureHealthPolicy(updater, services.BuildServiceProvider(), NullLogger<WorkerFailureHealthPolicy>.Instance);
        var config = Assert.Single(ProxyConfigFactory.Clusters(ProxyBalancePolicy.RoundRobin, []));
        var cluster = new ClusterState(config.ClusterId, new ClusterModel(config, new HttpMessageInvoker(new SocketsHttpHandler())));
        return (policy, updater, failureRate, cluster);
    }

    [Fact]
    public void RefusedConnection_TakesTheWorkerOutAtOnce_ForTheReactivationPeriod()
    {
        var (policy, updater, failureRate, cluster) = Create();
        var context = new DefaultHttpContext();
        context.Features.Set<IForwarderErrorFeature>(new ErrorFeature(ForwarderError.Request,
            new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused")));

        policy.RequestProxied(context, cluster, new DestinationState("w0-1"));

        Assert.Equal([("w0-1", DestinationHealth.Unhealthy, TimeSpan.FromSeconds(5))], updater.Passive);
        Assert.Empty(failureRate.Seen);
        Assert.Equal(WorkerFailureHealthPolicy.PolicyName, policy.Name);
    }

    [Fact]
    public void AnyOtherOutcome_GoesToYarpsFailureRatePolicy()
    {
        var (policy, updater, failureRate, cluster) = Create();
        var failed = new DefaultHttpContext();
        failed.Features.Set<IForwarderErrorFeature>(new ErrorFeature(ForwarderError.ResponseBodyDestination, new IOException("reset")));

        policy.RequestProxied(new DefaultHttpContext(), cluster, new DestinationState("w0-1"));
        policy.RequestProxied(failed, cluster, new DestinationState("w1-1"));

        Assert.Empty(updater.Passive);
        Assert.Equal(["w0-1", "w1-1"], failureRate.Seen);
    }
}
