using ClusterHost.Primary.Balancing;
using ClusterHost.Primary.Configuration;
using ClusterHost.Primary.Control;
using ClusterHost.Primary.Metrics;
using ClusterHost.Primary.Supervision;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ClusterHost.Primary;

/// <summary>The primary's entry point: validate everything, claim the ports, then supervise.</summary>
internal static class ClusterHostApp
{
    public static async Task<int> RunAsync(string[] args)
    {
        var commandLine = ClusterCommandLine.Parse(args);
        if (commandLine.ShowHelp)
        {
            Console.Out.Write(HelpText.Build());
            return ExitCodes.Success;
        }

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            ContentRootPath = Directory.GetCurrentDirectory(),
        });
        builder.Configuration.AddInMemoryCollection(commandLine.Settings);

        var errors = new List<string>(commandLine.Errors);
        var options = ClusterHostOptionsBinder.Bind(builder.Configuration, errors);
        var config = ClusterHostOptionsValidator.Validate(options, commandLine.AppArguments, errors);
        if (config is null)
        {
            foreach (var error in errors)
            {
                Console.Error.WriteLine($"clusterhost: {error}");
            }
            return ExitCodes.Usage;
        }

        if (AppInspector.FindProblem(config.AppPath, Environment.GetEnvironmentVariable) is { } problem)
        {
            Console.Error.WriteLine($"clusterhost: cannot host {config.AppPath}: {problem}");
            return ExitCodes.AppNotHostable;
        }

        await using var balancer = BalancerFactory.Create(config);
        try
        {
            balancer.Prepare();
        }
        catch (ClusterStartupException e)
        {
            Console.Error.WriteLine($"clusterhost: {e.Message}");
            return e.ExitCode;
        }

        ConfigureServices(builder, config, balancer);
        using var host = builder.Build();
        var outcome = host.Services.GetRequiredService<ClusterOutcome>();
        try
        {
            // Claims the metrics port before any worker starts, as Prepare() claimed the public ones.
            await host.Services.GetRequiredService<MetricsEndpointService>().StartAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (ClusterStartupException e)
        {
            Console.Error.WriteLine($"clusterhost: {e.Message}");
            return e.ExitCode;
        }
        await host.RunAsync().ConfigureAwait(false);
        return outcome.ExitCode;
    }

    private static void ConfigureServices(HostApplicationBuilder builder, ClusterHostConfig config, IBalancer balancer)
    {
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(console =>
        {
            console.SingleLine = true;
            console.TimestampFormat = "HH:mm:ss.fff ";
        });
        builder.Services.Configure<ConsoleLifetimeOptions>(o => o.SuppressStatusMessages = true);
        // The supervisor enforces the drain budget itself; the host must not cut it short.
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = config.ShutdownTimeout + TimeSpan.FromSeconds(10));

        builder.Services.AddSingleton(config);
        builder.Services.AddSingleton(balancer);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<ClusterOutcome>();
        builder.Services.AddSingleton(new ClusterSize(config.Workers));
        builder.Services.AddSingleton<ControlServer>();
        builder.Services.AddSingleton<WorkerHandshakeWatch>();
        builder.Services.AddSingleton<IWorkerLauncher, WorkerLauncher>();
        builder.Services.AddSingleton<Supervisor>();
        builder.Services.AddClusterMetrics(); // before the supervisor: see AddClusterMetrics
        builder.Services.AddHostedService(sp => sp.GetRequiredService<Supervisor>());
    }
}
