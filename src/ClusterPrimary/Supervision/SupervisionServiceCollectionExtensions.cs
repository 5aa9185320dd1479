using ClusterHost.Primary.Control;
using ClusterHost.Primary.Diagnostics;
using ClusterHost.Primary.Platform;
using ClusterHost.Primary.SignalR;
using ClusterHost.Primary.Supervision.Standby;
using Microsoft.Extensions.DependencyInjection;

namespace ClusterHost.Primary.Supervision;

/// <summary>Registers the supervision of the workers.</summary>
internal static class SupervisionServiceCollectionExtensions
{
    /// <summary>Adds the slot registry, the supervisor, the launcher, the standbys and the control server, the reload queue, the watch and the signals.</summary>
    public static IServiceCollection AddSupervision(this IServiceCollection services)
    {
        services.AddSingleton<WorkerSlots>();
        services.AddSingleton<InheritedListeners>();
        services.AddSingleton<WorkerExits>();
        services.AddSingleton<WorkerSigns>();
        services.AddSingleton<ControlServer>();
        services.AddSingleton<SignalRRelay>();
        services.AddSingleton<WorkerHandshakeWatch>();
        services.AddSingleton<StandbyPool>();
        services.AddSingleton<IWorkerLauncher, WorkerLauncher>();
        services.AddSingleton<ConnectionAffinityDirectory>();
        services.AddSingleton<SlotSupervisor>();
        services.AddSingleton<ReloadQueue>();
        services.AddSingleton<HungWorkerHandler>();
        services.AddSingleton<WorkerWatch>();
        services.AddSingleton<ClusterSignals>();
        return services;
    }
}
