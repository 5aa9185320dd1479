using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ClusterHost.Worker.Metrics;

/// <summary>Registers the worker's metrics: the collector the primary scrapes, the responsiveness probe, and the app's merged metrics route.</summary>
internal static class WorkerMetricsServiceCollectionExtensions
{
    public static IServiceCollection AddClusterWorkerMetrics(this IServiceCollection services)
    {
        services.AddMetrics();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<WorkerMetricsCollector>();
        services.AddSingleton<ResponsivenessProbe>();
        services.AddHostedService(sp => sp.GetRequiredService<ResponsivenessProbe>());
        services.AddSingleton<ClusterMetricsClient>();
        services.AddSingleton<AppMetricsRoute>();
        services.AddHostedService(sp => sp.GetRequiredService<AppMetricsRoute>());
        return services;
    }
}
