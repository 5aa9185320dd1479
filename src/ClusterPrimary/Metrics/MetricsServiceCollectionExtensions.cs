using ClusterHost.Primary.Supervision;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ClusterHost.Primary.Metrics;

/// <summary>Registers the primary's <c>/metrics</c> endpoint.</summary>
internal static class MetricsServiceCollectionExtensions
{
    /// <summary>
    /// Adds the metrics server and the scraper it asks the workers through. The primary's
    /// <see cref="Hosting.ClusterLifecycle"/> starts and stops the server.
    /// </summary>
    public static IServiceCollection AddClusterMetrics(this IServiceCollection services)
    {
        services.AddSingleton(sp =>
        {
            var slots = sp.GetRequiredService<WorkerSlots>();
            return new ClusterMetricsScraper(
                () => slots.Current,
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<ClusterMetricsScraper>>());
        });
        services.AddSingleton<MetricsServer>();
        services.AddSingleton<AppRegistryExposition>();
        return services;
    }
}
