using ClusterHost.Primary.Platform;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting.Systemd;

namespace ClusterHost.Primary.Hosting;

/// <summary>Registers the primary's reports to its service manager (systemd).</summary>
internal static class ServiceManagerServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="ServiceManagerNotifications"/>, with <see cref="ISystemdNotifier"/> (enabled
    /// when <c>NOTIFY_SOCKET</c> is set, whoever the parent is) and this process's <see cref="ServiceWatchdog"/>.
    /// </summary>
    public static IServiceCollection AddServiceManagerNotifications(this IServiceCollection services)
    {
        services.TryAddSingleton<ISystemdNotifier, SystemdNotifier>();
        services.TryAddSingleton(ServiceWatchdog.FromEnvironment());
        services.AddSingleton<ServiceManagerNotifications>();
        return services;
    }
}
