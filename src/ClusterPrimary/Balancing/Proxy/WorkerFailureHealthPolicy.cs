using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Health;
using Yarp.ReverseProxy.Model;

namespace ClusterHost.Primary.Balancing.Proxy;

/// <summary>
/// Passive health for workers: a worker that refuses a connection is taken out of rotation at
/// once for the cluster's reactivation period; any other outcome goes to YARP's standard
/// <c>TransportFailureRate</c> policy (unhealthy above 30% failures over 60 s, 10 requests at least).
/// </summary>
/// <remarks>
/// A failure rate never trips on a worker that was SIGKILLed after serving many requests (one
/// failure among hundreds), and the supervisor may observe the exit a few milliseconds after the
/// proxy does; a refused connection is a certain sign and needs no statistics.
/// </remarks>
internal sealed class WorkerFailureHealthPolicy(
    IDestinationHealthUpdater healthUpdater,
    IServiceProvider services,
    ILogger<WorkerFailureHealthPolicy> logger) : IPassiveHealthCheckPolicy
{
    public const string PolicyName = "ClusterHostWorkerFailures";

    // YARP's built-in policy; resolved on first use, since it is registered beside this one.
    private IPassiveHealthCheckPolicy? _failureRate;

    public string Name => PolicyName;

    public void RequestProxied(HttpContext context, ClusterState cluster, DestinationState destination)
    {
        if (ProxyFailures.IsConnectFailure(context.GetForwarderErrorFeature()))
        {
            var period = cluster.Model.Config.HealthCheck?.Passive?.ReactivationPeriod ?? ProxyConfigFactory.PassiveReactivationPeriod;
            healthUpdater.SetPassive(cluster, destination, DestinationHealth.Unhealthy, period);
            Log.DestinationRefused(logger, destination.DestinationId, period);
            return;
        }
        FailureRate.RequestProxied(context, cluster, destination);
    }

    private IPassiveHealthCheckPolicy FailureRate => _failureRate ??=
        services.GetServices<IPassiveHealthCheckPolicy>().Single(p => p.Name == HealthCheckConstants.PassivePolicy.TransportFailureRate);
}
