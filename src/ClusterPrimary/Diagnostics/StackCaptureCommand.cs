using ClusterHost.Platform;
using System.Diagnostics;
using System.Globalization;
using ClusterHost.Primary.Platform;

namespace ClusterHost.Primary.Diagnostics;

/// <summary>
/// The primary's hidden verb <c>__capture-stacks PID WORKER PATH WHY</c>: writes a hung
/// worker's evidence from a separate, short-lived process (see <see cref="HungWorkerEvidence"/>),
/// so that loading the DAC can never disturb or crash the supervisor.
/// </summary>
internal static class StackCaptureCommand
{
    public const string Verb = "__capture-stacks";

    /// <summary>How long the capture may take before the primary gives up on managed stacks.</summary>
    internal static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    /// <summary>Runs the verb in this (child) process.</summary>
    public static int Run(string[] args)
    {
        if (args.Length != 5
            || !int.TryParse(args[1], CultureInfo.InvariantCulture, out var pid)
            || !int.TryParse(args[2], CultureInfo.InvariantCulture, out var workerId))
        {
            Console.Error.WriteLine($"usage: {Verb} PID WORKER PATH WHY");
            return ExitCodes.Usage;
        }
        HungWorkerEvidence.Write(args[3], workerId, pid, args[4], DateTimeOffset.UtcNow, managedStacks: true);
        return ExitCodes.Success;
    }

    /// <summary>
    /// Captures a worker's evidence through a child process; if that fails or takes too long,
    /// writes the /proc part here. Returns the evidence file's path.
    /// </summary>
    public static async Task<string> CaptureAsync(string directory, int workerId, int pid, string why, DateTimeOffset now)
    {
        var path = HungWorkerEvidence.PathFor(directory, workerId, pid, now);
        string? problem;
        try
        {
            problem = await RunChildAsync(pid, workerId, path, why).ConfigureAwait(false);
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException or IOException)
        {
            problem = e.Message;
        }
        if (problem is not null)
        {
            HungWorkerEvidence.Write(path, workerId, pid, why, now, managedStacks: false, problem);
        }
        return path;
    }

    private static async Task<string?> RunChildAsync(int pid, int workerId, string path, string why)
    {
        var startInfo = new ProcessStartInfo(DotnetHost.Path)
        {
            UseShellExecute = false,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        startInfo.ArgumentList.Add(typeof(StackCaptureCommand).Assembly.Location);
        foreach (var arg in new[] { Verb, pid.ToString(CultureInfo.InvariantCulture), workerId.ToString(CultureInfo.InvariantCulture), path, why })
        {
            startInfo.ArgumentList.Add(arg);
        }
        // Not while a worker starts: it must not inherit the workers' listening sockets.
        using var child = InheritedListeners.StartOther(() => Process.Start(startInfo))!;
        var error = child.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            await child.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            child.Kill(entireProcessTree: true);
            return $"the stack capture took longer than {Timeout.TotalSeconds:0} s";
        }
        return child.ExitCode == 0 && File.Exists(path) ? null : $"the stack capture failed (exit code {child.ExitCode}): {(await error.ConfigureAwait(false)).Trim()}";
    }
}
