using ClusterHost.Worker.Metrics;
using ClusterHost.Worker.SignalR;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace ClusterHost.Worker.Internal;

/// <summary>
/// What makes an app a worker, applied once to its web host: by the app's own
/// <c>UseClusterWorker()</c> call or by the hosting startup the primary injects, whichever comes
/// first (the hosting startup runs while the builder is created, before the app's code).
/// </summary>
internal static class ClusterWorkerConfiguration
{
    /// <summary>Host setting that marks a web host as configured.</summary>
    internal const string AppliedSetting = "ClusterHost:WorkerApplied";

    public static void Apply(IWebHostBuilder builder)
    {
        if (builder.GetSetting(AppliedSetting) == "true")
        {
            return;
        }
        builder.UseSetting(AppliedSetting, "true");

        var environment = WorkerEnvironment.ReadAndClear(Environment.GetEnvironmentVariable, Environment.SetEnvironmentVariable);
        if (environment is null)
        {
            builder.ConfigureServices(services => services.TryAddSingleton(new ClusterWorkerInfo(false, 0, 1)));
            return;
        }

        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("ClusterWorker: running under a ClusterHost primary requires Linux.");
        }

        // Connect now, before anything else starts: if the primary is already gone the app
        // fails at once instead of serving as an orphan.
        var connection = PrimaryConnection.Connect(environment);

        builder.UseSetting(WebHostDefaults.ServerUrlsKey, string.Empty);
        builder.UseSetting(WebHostDefaults.PreferHostingUrlsKey, "false");
        var connections = new ConnectionTracker(TimeProvider.System);
        var listeners = new WorkerListenSockets();
        WorkerListener.Configure(builder, environment, connection, connections, listeners);

        builder.ConfigureServices(services =>
        {
            services.TryAddSingleton(TimeProvider.System);
            services.AddSingleton(new ClusterWorkerInfo(true, environment.WorkerId, environment.WorkerCount));
            services.AddSingleton(environment);
            services.AddSingleton(connection);
            services.AddSingleton<IHostLifetime, WorkerLifetime>();
            services.AddSingleton(connections);
            services.AddSingleton(listeners);
            // A lifecycle service: its StoppingAsync drains before any StopAsync, Kestrel's included.
            services.AddHostedService<WorkerDrain>();
            services.AddHostedService<PrimaryConnectionService>();
            services.AddSingleton<RequestCounter>();
            services.AddSingleton<IStartupFilter>(sp => sp.GetRequiredService<RequestCounter>());
            services.AddClusterWorkerMetrics();
            SharedKeyRingSetup.Register(services);
            services.AddSingleton<AppAddressOverrides>();
            services.AddSingleton<IPostConfigureOptions<KestrelServerOptions>, KestrelEndpointsOverride>();
            // First, so that it wraps the app's and the framework's own startup filters.
            services.Insert(0, ServiceDescriptor.Transient<IStartupFilter, ClusterWorkerStartupFilter>());
            // SignalR: every request of a connection reaches the launch that negotiated it.
            services.AddConnectionAffinity(environment);
            services.Configure<HostOptions>(options => options.ShutdownTimeout = environment.ShutdownTimeout);
            if (environment.SignalRRelayAddress is not null)
            {
                services.AddClusterSignalR();
            }
        });
    }
}
