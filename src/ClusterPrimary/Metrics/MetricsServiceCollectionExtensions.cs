using ClusterHost.Primary.Supervision;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ClusterHost.Primary.Metrics;

/// <summary>Registers the primary's <c>/metrics</c> endpoint.</summary>
internal static class MetricsServiceCollectionExtensions
{
    /// <summary>
    /// Adds the metrics endpoint as a hosted service. Call it before the supervisor is added:
    /// hosted services stop in reverse order, so the endpoint answers while workers drain.
    /// </summary>
    public static IServiceCollection AddClusterMetrics(this IServiceCollection services)
    {
        services.AddSingleton(sp =>
        {
            var supervisor = sp.GetRequiredService<Supervisor>();
            return new ClusterMetricsScraper(
            () => supervisor.Slots,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<ClusterMetricsScraper>>());
        });
        services.AddSingleton<MetricsEndpointService>();
        services.AddHostedService(sp => sp.GetRequiredService<MetricsEndpointService>());
        return services;
    }
}
