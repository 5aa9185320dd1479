using ClusterHost.Primary.Events;
using ClusterHost.Primary.Metrics;
using ClusterHost.Primary.Status;
using Microsoft.Extensions.DependencyInjection;

namespace ClusterHost.Primary.Operator;

/// <summary>Registers the operator's control surface.</summary>
internal static class OperatorServiceCollectionExtensions
{
    /// <summary>
    /// Adds the event log, the status sampler and source, the status page (served by the metrics
    /// server) and the control socket. <see cref="Hosting.ClusterLifecycle"/> starts and stops them.
    /// </summary>
    public static IServiceCollection AddOperatorControl(this IServiceCollection services)
    {
        services.AddSingleton<ClusterEventLog>();
        services.AddSingleton<StatusSampler>();
        services.AddSingleton(sp => ActivatorUtilities.CreateInstance<ClusterStatusSource>(sp,
            new Func<IReadOnlyList<string>>(() => sp.GetRequiredService<MetricsServer>().Urls)));
        services.AddSingleton<StatusPage>();
        services.AddSingleton<OperatorCommands>();
        services.AddSingleton<OperatorServer>();
        return services;
    }
}
