using ClusterHost.Worker.Internal;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ClusterHost.Worker.SignalR;

/// <summary>
/// Says once, from worker 0, which hub lifetime manager the app ended up with: the cluster's
/// relay, or the app's own backplane, read from the final service registrations.
/// </summary>
internal sealed class SignalRStartupReport(IServiceCollection services, IServiceProvider provider) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var environment = provider.GetRequiredService<WorkerEnvironment>();
        var last = services.LastOrDefault(d => d.ServiceType == typeof(HubLifetimeManager<>));
        if (environment.WorkerId != 0 || last is null || !services.Any(d => d.ServiceType == typeof(IHubProtocolResolver)))
        {
            return Task.CompletedTask; // not SignalR, or not worker 0
        }
        var logger = provider.GetRequiredService<ILoggerFactory>().CreateLogger("ClusterHost.Worker.SignalR");
        if (last.ImplementationType == typeof(ClusterHubLifetimeManager<>))
        {
            Log.RelayInUse(logger, environment.WorkerId);
        }
        else
        {
            var manager = last.ImplementationType?.Name ?? last.ImplementationFactory?.Method.ReturnType.Name ?? "a factory";
            Log.OwnHubLifetimeManager(logger, environment.WorkerId, manager);
        }
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
