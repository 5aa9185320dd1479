using System.Net;
using ClusterHost.Primary.Configuration;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Health;
using Yarp.ReverseProxy.LoadBalancing;
using Yarp.ReverseProxy.Transforms;

namespace ClusterHost.Primary.Balancing.Proxy;

/// <summary>
/// Builds YARP's in-memory configuration: one catch-all route to one cluster whose destinations
/// are the workers in rotation. Rebuilt whole on every change; YARP keeps the state (health,
/// request counts, HTTP client) of what did not change.
/// </summary>
internal static class ProxyConfigFactory
{
    public const string RouteId = "workers";
    public const string ClusterId = "workers";

    /// <summary>Passive health: how long a worker that refused a connection stays out. 5 s.</summary>
    public static readonly TimeSpan PassiveReactivationPeriod = TimeSpan.FromSeconds(5);

    public static IReadOnlyList<RouteConfig> Routes() =>
    [
        new RouteConfig
        {
            RouteId = RouteId,
            ClusterId = ClusterId,
            Match = new RouteMatch { Path = "{**catch-all}" },
        }
        // The app sees the Host the client sent, as it would without a proxy (host filtering,
        // links); X-Forwarded-For/-Proto/-Host are added by YARP's default transforms.
        .WithTransformUseOriginalHostHeader(true),
    ];

    public static IReadOnlyList<ClusterConfig> Clusters(ProxyBalancePolicy policy, IEnumerable<WorkerDestination> destinations) =>
    [
        new ClusterConfig
        {
            ClusterId = ClusterId,
            LoadBalancingPolicy = PolicyName(policy),
            Destinations = destinations.ToDictionary(
                d => d.DestinationId,
                d => new DestinationConfig { Address = d.Address },
                StringComparer.OrdinalIgnoreCase),
            HealthCheck = new HealthCheckConfig
            {
                // No active probe: it would be a request in the app's logs and metrics. A worker's
                // active health comes from its heartbeats (WorkerSilenceMonitor).
                Passive = new PassiveHealthCheckConfig
                {
                    Enabled = true,
                    Policy = WorkerFailureHealthPolicy.PolicyName,
                    ReactivationPeriod = PassiveReactivationPeriod,
                },
                // Silent or refusing workers get no traffic, unless every worker is.
                AvailableDestinationsPolicy = WorkerAvailabilityPolicy.PolicyName,
            },
            // HTTP/1.1 with keep-alive to the workers (plain HTTP: no TLS to negotiate HTTP/2); gRPC
            // calls go over HTTP/2 to each worker's HTTP/2 listener (GrpcOverHttp2Transform).
            HttpRequest = new ForwarderRequestConfig
            {
                Version = HttpVersion.Version11,
                VersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
            },
        },
    ];

    /// <summary>The YARP load-balancing policy for <paramref name="policy"/>.</summary>
    public static string PolicyName(ProxyBalancePolicy policy) => policy switch
    {
        ProxyBalancePolicy.RoundRobin => LoadBalancingPolicies.RoundRobin,
        ProxyBalancePolicy.LeastRequests => LoadBalancingPolicies.LeastRequests,
        ProxyBalancePolicy.PowerOfTwo => LoadBalancingPolicies.PowerOfTwoChoices,
        ProxyBalancePolicy.Random => LoadBalancingPolicies.Random,
        _ => throw new ArgumentOutOfRangeException(nameof(policy), policy, null),
    };
}
