using ClusterHost.Worker.Internal;
using ClusterHost.Worker.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace ClusterHost.Worker;

/// <summary>Makes an ASP.NET Core app a ClusterHost worker.</summary>
public static class ClusterWorkerWebHostBuilderExtensions
{
    /// <summary>
    /// Makes the app a worker when a ClusterHost primary started it; changes nothing but the
    /// registration of <see cref="ClusterWorkerInfo"/> when the app runs alone.
    /// </summary>
    /// <remarks>
    /// Under the primary: Kestrel listens where the primary says (its public URLs with
    /// SO_REUSEPORT, or a private socket), replacing the app's own URLs; the primary hears
    /// "ready" only once Kestrel listens; the process drains when the primary asks, ignores
    /// SIGINT (the primary coordinates Ctrl+C), and exits within 5 s when the primary is gone.
    /// Its ASP.NET Core, Kestrel and runtime meters are collected and served, labelled with its
    /// worker id, on the primary's <c>/metrics</c>.
    /// Ahead of the app's pipeline it answers the health probe <c>/_clusterhost/health</c> and,
    /// behind the primary's proxy, applies <c>X-Forwarded-For/-Proto/-Host</c>.
    /// </remarks>
    public static WebApplicationBuilder UseClusterWorker(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.WebHost.UseClusterWorker();
        return builder;
    }

    /// <inheritdoc cref="UseClusterWorker(WebApplicationBuilder)"/>
    public static IWebHostBuilder UseClusterWorker(this IWebHostBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);

        var environment = WorkerEnvironment.ReadAndClear(Environment.GetEnvironmentVariable, Environment.SetEnvironmentVariable);
        if (environment is null)
        {
            builder.ConfigureServices(services => services.TryAddSingleton(new ClusterWorkerInfo(false, 0, 1)));
            return builder;
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
        WorkerListener.Configure(builder, environment, connection);

        builder.ConfigureServices(services =>
        {
            services.TryAddSingleton(TimeProvider.System);
            services.AddSingleton(new ClusterWorkerInfo(true, environment.WorkerId, environment.WorkerCount));
            services.AddSingleton(environment);
            services.AddSingleton(connection);
            services.AddSingleton<IHostLifetime, WorkerLifetime>();
            services.AddHostedService<PrimaryConnectionService>();
            services.AddSingleton<RequestCounter>();
            services.AddSingleton<IStartupFilter>(sp => sp.GetRequiredService<RequestCounter>());
            services.AddClusterWorkerMetrics();
            SharedKeyRingSetup.Register(services);
            // First, so that it wraps the app's and the framework's own startup filters.
            services.Insert(0, ServiceDescriptor.Transient<IStartupFilter, ClusterWorkerStartupFilter>());
            services.Configure<HostOptions>(options => options.ShutdownTimeout = environment.ShutdownTimeout);
        });
        return builder;
    }
}
