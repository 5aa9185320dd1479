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
using ClusterHost.Primary.Supervision.Standby;

namespace ClusterHost.Primary.Supervision;

/// <summary>
/// Starts worker processes: <c>dotnet APP.dll [app arguments]</c> (or the app's apphost) in the
/// configured working directory, with the worker behaviour injected (<see cref="WorkerInjection"/>);
/// or, with <c>--standby</c>, gives the launch to a warm standby (<see cref="StandbyPool"/>).
/// </summary>
internal sealed class WorkerLauncher(
    ClusterHostConfig config, IClusterFront front, ControlServer controlServer, WorkerSlots slots, WorkerHandshakeWatch handshakeWatch,
    InheritedListeners inheritedListeners, WorkerExits exits, ConnectionAffinityDirectory? affinity = null, SignalRRelay? relay = null,
    WorkerSigns? signs = null, StandbyPool? standbys = null) : IWorkerLauncher
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
        var startInfo = CreateStartInfo(config);
        ConfigureEnvironment(startInfo.Environment, instance, token);

        WorkerProcess process;
        if (standbys is not null && standbys.TryTake(startInfo.Environment, out var standby, out var changes))
        {
            process = WorkerProcess.Adopt(instance, token, standby);
            Register(process);
            // A standby that died in the meantime shows as this worker's exit, as any crash.
            standby.Assign(changes);
        }
        else
        {
            process = inheritedListeners.StartWorker(() => WorkerProcess.Start(instance, token, startInfo, OutputSink.Out, OutputSink.Error));
            Register(process);
        }
        standbys?.RefillAfter(process.Ready);
        var watched = handshakeWatch.Watch(process);
        signs?.Record(watched);
        return watched;
    }

    // Before the worker can say hello: the control server and the relay know whom to expect.
    private void Register(WorkerProcess process)
    {
        controlServer.Expect(process.Control, process.Pid);
        relay?.Expect(process.Instance.WorkerId, process.Control.Token, process.Pid, process.Control.Closed);
        exits.Record(process.Instance, process.Exited);
    }

    /// <summary>How every worker (and standby) is started, before its environment is set.</summary>
    internal static ProcessStartInfo CreateStartInfo(ClusterHostConfig config)
    {
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
        return startInfo;
    }

    /// <summary>
    /// The part of a worker's environment that does not depend on its slot, which a standby is
    /// started with: the primary's own less <see cref="WithheldVariables"/>, the runtime settings
    /// for <paramref name="workers"/> workers, the injection and the control socket.
    /// </summary>
    internal static void ConfigureShared(IDictionary<string, string?> environment, ClusterHostConfig config, int workers, string controlAddress)
    {
        foreach (var name in WithheldVariables)
        {
            environment.Remove(name);
        }
        WorkerRuntimeSettings.Apply(environment, config.AppPath, WorkerGcSettings.For(config.WorkerGc, workers, Environment.ProcessorCount));
        WorkerInjection.Apply(environment, WorkerInjection.HookPath);
        environment[WorkerEnvironmentVariables.Control] = controlAddress;
    }

    internal void ConfigureEnvironment(IDictionary<string, string?> environment, WorkerInstance instance, string token)
    {
        var workers = Math.Max(slots.Count, instance.WorkerId + 1);
        ConfigureShared(environment, config, workers, controlServer.Address);
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
