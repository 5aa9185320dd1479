using ClusterHost.Primary.Balancing;
using ClusterHost.Primary.Configuration;
using ClusterHost.Primary.Hosting;
using ClusterHost.Primary.Metrics;
using ClusterHost.Primary.Operator;
using ClusterHost.Primary.Supervision;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging;

namespace ClusterHost.Primary;

/// <summary>
/// The primary's entry point: validate everything, then run one generic host whose
/// <see cref="ClusterLifecycle"/> claims the ports, supervises the workers and drains them.
/// </summary>
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
        if (config is not null && StateDirectorySetup.Prepare(config, isDefault: string.IsNullOrWhiteSpace(options.StateDir)) is { } stateProblem)
        {
            errors.Add(stateProblem);
            config = null;
        }
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

        ConfigureLogging(builder.Logging);
        ConfigureServices(builder.Services, config);
        var host = builder.Build();
        var outcome = host.Services.GetRequiredService<ClusterOutcome>();
        var lifecycle = host.Services.GetRequiredService<ClusterLifecycle>();
        await host.RunAsync().ConfigureAwait(false); // disposes the host
        if (lifecycle.StartupError is { } startupError)
        {
            Console.Error.WriteLine($"clusterhost: {startupError.Message}");
        }
        return outcome.ExitCode;
    }

    /// <summary>The one logging configuration of the process; the embedded servers log through it too.</summary>
    private static void ConfigureLogging(ILoggingBuilder logging)
    {
        logging.ClearProviders();
        if (SystemdHelpers.IsSystemdService())
        {
            // journald stamps each line itself and reads the <N> priority prefix.
            logging.AddSystemdConsole();
        }
        else
        {
            logging.AddSimpleConsole(console =>
            {
                console.SingleLine = true;
                console.TimestampFormat = "HH:mm:ss.fff ";
            });
        }
        logging.SetMinimumLevel(LogLevel.Information);
        // Kestrel and YARP log every request at Information; only their problems are of interest.
        logging.AddFilter("Microsoft", LogLevel.Warning);
        logging.AddFilter("Yarp", LogLevel.Warning);
        // Hosting starts an Activity (and a log scope) for every request whenever this category logs
        // at any level, and YARP's HTTP client then starts a child and injects its headers: they were
        // among the proxy's hottest methods. It logs only request starts and ends; problems are
        // logged by Kestrel and YARP. A client's own traceparent still reaches the worker untouched.
        logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
        // The proxy's keys are held in memory (see InMemoryKeyRepository), not encrypted at rest: there is no rest.
        logging.AddFilter("Microsoft.AspNetCore.DataProtection", LogLevel.Error);
    }

    private static void ConfigureServices(IServiceCollection services, ClusterHostConfig config)
    {
        services.Configure<ConsoleLifetimeOptions>(o => o.SuppressStatusMessages = true);
        // The lifecycle enforces the drain budget itself; the host must not cut it short.
        services.Configure<HostOptions>(o => o.ShutdownTimeout = config.ShutdownTimeout + TimeSpan.FromSeconds(10));

        services.AddSingleton(config);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<ClusterOutcome>();
        services.AddSingleton<BackgroundTasks>();
        services.AddClusterFront();
        services.AddSupervision();
        services.AddServiceManagerNotifications();
        services.AddClusterMetrics();
        services.AddOperatorControl();
        services.AddSingleton<ClusterLifecycle>();
        services.AddHostedService(sp => sp.GetRequiredService<ClusterLifecycle>());
    }
}
