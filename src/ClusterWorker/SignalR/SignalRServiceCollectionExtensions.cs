using ClusterHost.Worker.Internal;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ClusterHost.Worker.SignalR;

/// <summary>Makes SignalR cluster-wide in an app that did not choose a backplane of its own.</summary>
internal static class SignalRServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="ClusterHubLifetimeManager{THub}"/> as the app's hub lifetime manager,
    /// unless the app already registered one of its own. SignalR's <c>AddSignalR()</c> registers its
    /// default with TryAdd, so this registration, made by the hosting startup before the app's
    /// code runs, is the one SignalR keeps; when the app called <c>AddSignalR()</c> first (its
    /// default is the last registration), this one is added after it and wins, as the last
    /// registration does. A backplane the app adds (Redis, Azure SignalR, any
    /// <c>AddSingleton(typeof(HubLifetimeManager&lt;&gt;), ...)</c>) comes after this one and wins
    /// the same way; <see cref="SignalRStartupReport"/> says which is in use.
    /// </summary>
    public static IServiceCollection AddClusterSignalR(this IServiceCollection services)
    {
        var last = services.LastOrDefault(d => d.ServiceType == typeof(HubLifetimeManager<>));
        if (last is null || last.ImplementationType == typeof(DefaultHubLifetimeManager<>))
        {
            services.AddSingleton(typeof(HubLifetimeManager<>), typeof(ClusterHubLifetimeManager<>));
        }
        services.TryAddSingleton<RelayClient>();
        services.AddHostedService(sp => new SignalRStartupReport(services, sp));
        return services;
    }
}
