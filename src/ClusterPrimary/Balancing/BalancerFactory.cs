using ClusterHost.Primary.Configuration;

namespace ClusterHost.Primary.Balancing;

/// <summary>Creates the <see cref="IBalancer"/> for the configured mode.</summary>
internal static class BalancerFactory
{
    public static IBalancer Create(ClusterHostConfig config) => config.Mode switch
    {
        BalancingMode.ReusePort => new ReusePortBalancer(config),
        BalancingMode.Proxy => new Proxy.ProxyBalancer(config, TimeProvider.System),
        _ => throw new ArgumentOutOfRangeException(nameof(config), config.Mode, "unknown balancing mode"),
    };
}
