using ClusterHost.SignalR;
using ClusterHost.Worker.Internal;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ClusterHost.Worker.SignalR;

/// <summary>Registers SignalR connection-token affinity for a worker the primary gave an affinity directory.</summary>
internal static class ConnectionAffinityServiceCollectionExtensions
{
    /// <remarks>Call after <see cref="ClusterWorkerStartupFilter"/> is inserted first: this filter goes right after it.</remarks>
    public static IServiceCollection AddConnectionAffinity(this IServiceCollection services, WorkerEnvironment environment)
    {
        if (environment.AffinityDirectory is not { } directory)
        {
            return services;
        }
        services.AddSingleton<AffinityMetrics>();
        services.AddSingleton(sp => new OwnerForwarder(directory, sp.GetRequiredService<AffinityMetrics>(), sp.GetRequiredService<ILogger<OwnerForwarder>>()));
        services.AddSingleton(sp => new ConnectionAffinity(
            new ConnectionTokenTag(environment.WorkerId, environment.Generation), directory, sp.GetRequiredService<OwnerForwarder>()));
        services.AddSingleton<IConfigureOptions<KestrelServerOptions>, AffinityListener>();
        var first = services.IndexOf(services.First(d => !d.IsKeyedService && d.ImplementationType == typeof(ClusterWorkerStartupFilter)));
        services.Insert(first + 1, ServiceDescriptor.Transient<IStartupFilter, ConnectionAffinityStartupFilter>());
        return services;
    }
}
