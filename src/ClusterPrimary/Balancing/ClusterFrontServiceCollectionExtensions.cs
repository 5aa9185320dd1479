using System.Runtime.Versioning;
using ClusterHost.Primary.Balancing.Handoff;
using ClusterHost.Primary.Balancing.Proxy;
using ClusterHost.Primary.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ClusterHost.Primary.Balancing;

/// <summary>Registers the cluster's front for the configured <c>--mode</c>.</summary>
[SupportedOSPlatform("linux")]
internal static class ClusterFrontServiceCollectionExtensions
{
    /// <summary>Adds <see cref="IClusterFront"/>: the front of <see cref="ClusterHostConfig.Mode"/>, created on first use.</summary>
    public static IServiceCollection AddClusterFront(this IServiceCollection services)
    {
        services.AddSingleton<ServerCertificate>();
        services.AddSingleton<ReusePortFront>();
        services.AddSingleton<ProxyFront>();
        services.AddSingleton<SharedSocketFront>();
        services.AddSingleton<HandoffFront>();
        services.AddSingleton<IClusterFront>(sp => sp.GetRequiredService<ClusterHostConfig>().Mode switch
        {
            BalancingMode.ReusePort => sp.GetRequiredService<ReusePortFront>(),
            BalancingMode.Proxy => sp.GetRequiredService<ProxyFront>(),
            BalancingMode.Shared => sp.GetRequiredService<SharedSocketFront>(),
            BalancingMode.Handoff => sp.GetRequiredService<HandoffFront>(),
            var mode => throw new ArgumentOutOfRangeException(nameof(services), mode, "unknown balancing mode"),
        });
        return services;
    }
}
