using ClusterHost.Worker.SignalR;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;

namespace ClusterHost.Worker.Tests.SignalR;

/// <summary>Which hub lifetime manager an app ends up with: the last open-generic registration is the one resolved.</summary>
public sealed class SignalRServiceCollectionExtensionsTests
{
    [Fact]
    public void RegisteredBeforeTheAppsAddSignalR_TheClustersManagerIsKept()
    {
        var services = new ServiceCollection();
        services.AddClusterSignalR();
        services.AddSignalR();

        Assert.Equal(typeof(ClusterHubLifetimeManager<>), Resolved(services));
        Assert.DoesNotContain(services, d => d.ImplementationType == typeof(DefaultHubLifetimeManager<>));
    }

    [Fact]
    public void RegisteredAfterTheAppsAddSignalR_TheClustersManagerReplacesTheDefault()
    {
        var services = new ServiceCollection();
        services.AddSignalR();
        services.AddClusterSignalR();

        Assert.Equal(typeof(ClusterHubLifetimeManager<>), Resolved(services));
    }

    [Fact]
    public void AnAppsOwnManagerRegisteredFirst_IsKept()
    {
        var services = new ServiceCollection();
        services.AddSignalR();
        services.AddSingleton(typeof(HubLifetimeManager<>), typeof(OwnManager<>));
        services.AddClusterSignalR();

        Assert.Equal(typeof(OwnManager<>), Resolved(services));
    }

    [Fact]
    public void AnAppsOwnManagerRegisteredAfterwards_AsBackplanesDo_Wins()
    {
        var services = new ServiceCollection();
        services.AddClusterSignalR();
        services.AddSignalR();
        services.AddSingleton(typeof(HubLifetimeManager<>), typeof(OwnManager<>));

        Assert.Equal(typeof(OwnManager<>), Resolved(services));
    }

    private static Type? Resolved(IServiceCollection services) =>
        services.Last(d => d.ServiceType == typeof(HubLifetimeManager<>)).ImplementationType;

    private sealed class OwnManager<THub>(Microsoft.Extensions.Logging.ILogger<DefaultHubLifetimeManager<THub>> logger)
        : DefaultHubLifetimeManager<THub>(logger) where THub : Hub;
}
