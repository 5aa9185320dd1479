using ClusterHost.Platform;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using ClusterHost.Control;
using ClusterHost.Primary.Balancing;
using ClusterHost.Primary.Configuration;
using ClusterHost.Primary.Control;
using ClusterHost.Primary.Platform;
using ClusterHost.Primary.SignalR;

namespace ClusterHost.Primary.Supervision;

/// <summary>
/// Starts worker processes: <c>dotnet APP.dll [app arguments]</c> (or the app's apphost) in the
/// configured working directory, with the worker behaviour injected (<see cref="WorkerInjection"/>).
/// </summary>
internal sealed class WorkerLauncher(
    ClusterHostConfig config, IClusterFront front, ControlServer controlServer, WorkerSlots slots, WorkerHandshakeWatch handshakeWatch,
    InheritedListeners inheritedListeners, WorkerExits exits, ConnectionAffinityDirectory? affinity = null, SignalRRelay? relay = null,
    WorkerSigns? signs = null) : IWorkerLauncher
{
    /// <summary>
    /// Variables that belong to the primary's own supervisor (systemd) and must not reach
    /// workers: a worker that saw them would notify or claim sockets in the primary's name.
    /// </summary>
    internal static readonly string[] WithheldVariables =
        ["NOTIFY_SOCKET", "WATCHDOG_PID", "WATCHDOG_USEC", "LISTEN_PID", "LISTEN_FDS", "LISTEN_FDNAMES"];

    public IWorkerProcess Launch(WorkerInstance instance)
    {
        var token = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        var startInfo = WorkerInjection.StartInfo(config.AppPath, DotnetHost.Path);
        startInfo.UseShellExecute = false;
        startInfo.RedirectStandardInput = true;
        startInfo.RedirectStandardOutput = true;
        startInfo.RedirectStandardError = true;
        startInfo.WorkingDirectory = config.WorkingDirectory;
        foreach (var argument in config.AppArguments)
        {
            startInfo.ArgumentList.Add(argument);
        }
        ConfigureEnvironment(startInfo.Environment, instance, token);

        var process = inheritedListeners.StartWorker(() => WorkerProcess.Start(instance, token, startInfo, OutputSink.Out, OutputSink.Error));
        controlServer.Expect(process.Control, process.Pid);
        relay?.Expect(instance.WorkerId, token, process.Pid, process.Control.Closed);
        exits.Record(instance, process.Exited);
        var watched = handshakeWatch.Watch(process);
        signs?.Record(watched);
        return watched;
    }

    internal void ConfigureEnvironment(IDictionary<string, string?> environment, WorkerInstance instance, string token)
    {
        foreach (var name in WithheldVariables)
        {
            environment.Remove(name);
        }
        var workers = Math.Max(slots.Count, instance.WorkerId + 1);
        WorkerRuntimeSettings.Apply(environment, config.AppPath, WorkerGcSettings.For(config.WorkerGc, workers, Environment.ProcessorCount));
        WorkerInjection.Apply(environment, WorkerInjection.HookPath);
        environment[WorkerEnvironmentVariables.Control] = controlServer.Address;
        environment[WorkerEnvironmentVariables.Token] = token;
        environment[WorkerEnvironmentVariables.WorkerId] = instance.WorkerId.ToString(CultureInfo.InvariantCulture);
        environment[WorkerEnvironmentVariables.WorkerCount] = workers.ToString(CultureInfo.InvariantCulture);
        environment[WorkerEnvironmentVariables.ShutdownTimeoutMs] =
            ((long)config.ShutdownTimeout.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
        if (config.KeyDirectory is not null)
        {
            environment[WorkerEnvironmentVariables.KeyDirectory] = config.KeyDirectory;
        }
        // With /metrics off nobody reads the meters: the workers listen to none (ClusterHost's own aside).
        environment[WorkerEnvironmentVariables.MetricsMeters] = config.MetricsUrls.Count > 0 ? config.MetricsMeters : "-*";
        if (relay is not null)
        {
            environment[WorkerEnvironmentVariables.SignalRRelay] = relay.Address;
        }
        front.ConfigureWorker(instance, environment);
        affinity?.ConfigureWorker(instance, environment);
    }
}
