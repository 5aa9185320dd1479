using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using ClusterHost.LoadTests.Cli;
using ClusterHost.Platform;
using ClusterHost.LoadTests.Platform;
using Microsoft.Extensions.Logging;

namespace ClusterHost.LoadTests.Cluster;

/// <summary>
/// A cluster the runner starts: the built primary as a child process, on a free loopback port,
/// with the SampleApp's fault endpoints on. Disposing it stops it (SIGTERM, so the workers
/// drain), kills it and its workers if that takes too long, and kills any worker it named that
/// outlived it, so a run leaves no process behind however it ends.
/// </summary>
internal sealed partial class LocalCluster : IAsyncDisposable
{
    /// <summary>How long the cluster may take to print its ready line.</summary>
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    /// <summary>The workers' drain budget, passed as <c>--shutdown-timeout</c>.</summary>
    public const int ShutdownTimeoutSeconds = 5;

    /// <summary>Chaos: <c>--max-memory</c>, which a <c>/leak</c> of a few hundred MB crosses.</summary>
    public const string ChaosMaxMemory = "400MB";

    /// <summary>How long a SIGTERM may take before the whole tree is killed.</summary>
    public static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(ShutdownTimeoutSeconds + 5);

    private readonly Process _process;
    private readonly ILogger _logger;
    private readonly List<string> _lines = [];
    private readonly HashSet<int> _pidsSeen = [];
    private readonly TaskCompletionSource<Match> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private LocalCluster(Process process, ILogger logger)
    {
        _process = process;
        _logger = logger;
    }

    public ClusterTarget Target { get; private set; } = null!;

    /// <summary>Starts the primary and waits for its ready line.</summary>
    /// <exception cref="ScenarioException">The primary exited or did not get ready in time; it is stopped by then.</exception>
    public static async Task<LocalCluster> StartAsync(RunnerOptions options, ILogger logger, CancellationToken abort)
    {
        var startInfo = new ProcessStartInfo(DotnetHost.Path)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            // Not the caller's directory: an appsettings.json there would configure the primary.
            WorkingDirectory = Path.GetTempPath(),
        };
        string[] args =
        [
            BuildPaths.Primary,
            "--workers", options.Workers.ToString(CultureInfo.InvariantCulture),
            "--mode", options.Mode,
            .. options.Balance is null ? Array.Empty<string>() : ["--balance", options.Balance],
            "--urls", "http://127.0.0.1:0",
            "--shutdown-timeout", ShutdownTimeoutSeconds.ToString(CultureInfo.InvariantCulture),
            // Chaos recycles on memory (/leak) and kills workers over and over, on purpose.
            .. options.Scenario == ScenarioKind.Chaos ? ["--max-memory", ChaosMaxMemory, "--max-restarts", "1000"] : Array.Empty<string>(),
            // The signalr scenario runs a chat app (tests/Apps/ChatRoom); the others the SampleApp's faults.
            .. options.Scenario == ScenarioKind.SignalR ? ["--app", BuildPaths.ChatRoom] : new[] { "--", "--SampleApp:EnableFaults=true" },
        ];
        foreach (var arg in args)
        {
            startInfo.ArgumentList.Add(arg);
        }
        startInfo.Environment["DOTNET_NOLOGO"] = "1";

        Log.ClusterStarting(logger, BuildPaths.Primary, options.Mode, options.Workers);
        if (!File.Exists(BuildPaths.Primary))
        {
            throw new ScenarioException($"the primary is not built at {BuildPaths.Primary}; run `dotnet build` first");
        }
        var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        var cluster = new LocalCluster(process, logger);
        process.OutputDataReceived += (_, e) => cluster.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => cluster.OnLine(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        process.StandardInput.Close();

        try
        {
            await cluster.WaitForReadyAsync(abort);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>Every line the primary printed so far (its workers' output included, prefixed).</summary>
    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lines)
            {
                return [.. _lines];
            }
        }
    }

    private void OnLine(string? line)
    {
        // The SampleApp's stdout flood (chaos): thousands of lines a second that say nothing.
        if (line is null || line.Contains("] ##########", StringComparison.Ordinal))
        {
            return;
        }
        lock (_lines)
        {
            _lines.Add(line);
            foreach (Match match in PidPattern().Matches(line))
            {
                _pidsSeen.Add(int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture));
            }
        }
        Log.PrimaryOutput(_logger, line);
        if (ReadyPattern().Match(line) is { Success: true } ready)
        {
            _ready.TrySetResult(ready);
        }
    }

    private async Task WaitForReadyAsync(CancellationToken abort)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(abort);
        timeout.CancelAfter(StartTimeout);
        var exited = _process.WaitForExitAsync(timeout.Token);
        var first = await Task.WhenAny(_ready.Task, exited);
        abort.ThrowIfCancellationRequested();
        if (first != _ready.Task)
        {
            if (_process.HasExited)
            {
                await _process.WaitForExitAsync(CancellationToken.None); // the last lines of output
                var errors = Lines.Where(l => l.StartsWith("clusterhost:", StringComparison.Ordinal) || l.Contains("fail", StringComparison.OrdinalIgnoreCase)).TakeLast(5);
                throw new ScenarioException($"the cluster did not start: the primary exited with code {_process.ExitCode}: {string.Join(" | ", errors)}");
            }
            throw new ScenarioException($"the cluster did not print its ready line within {StartTimeout.TotalSeconds:0} s");
        }

        var match = await _ready.Task;
        var pids = match.Groups["pids"].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(p => int.Parse(p, CultureInfo.InvariantCulture)).ToArray();
        lock (_lines)
        {
            _pidsSeen.UnionWith(pids);
        }
        Target = new ClusterTarget
        {
            PrimaryPid = _process.Id,
            Url = new Uri(match.Groups["url"].Value),
            StartedByRunner = true,
            Mode = match.Groups["mode"].Value,
            Workers = pids.Length,
            Pids = pids,
            PrimaryOutput = () => Lines,
        };
        Log.ClusterReady(_logger, Target.Url, Target.Mode, pids.Length, _process.Id, string.Join(", ", pids));
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                Log.ClusterStopping(_logger, _process.Id);
                _ = Interop.Kill(_process.Id, Interop.SIGTERM);
                using var timeout = new CancellationTokenSource(StopTimeout);
                try
                {
                    await _process.WaitForExitAsync(timeout.Token);
                }
                catch (OperationCanceledException)
                {
                    Log.ClusterKilled(_logger, _process.Id, StopTimeout);
                    _process.Kill(entireProcessTree: true);
                    await _process.WaitForExitAsync(CancellationToken.None);
                }
            }
        }
        catch (InvalidOperationException)
        {
            // Never started, or gone in the meantime.
        }
        KillLeftovers();
        _process.Dispose();
    }

    /// <summary>Workers the primary named that still run the primary's app (say the primary itself was killed).</summary>
    private void KillLeftovers()
    {
        int[] pids;
        lock (_lines)
        {
            pids = [.. _pidsSeen];
        }
        var ours = Path.GetDirectoryName(BuildPaths.Primary)!;
        foreach (var pid in pids)
        {
            try
            {
                if (File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ').Contains(ours, StringComparison.Ordinal))
                {
                    using var leftover = Process.GetProcessById(pid);
                    leftover.Kill();
                    Log.LeftoverKilled(_logger, pid);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException)
            {
                // Gone already.
            }
        }
    }

    [GeneratedRegex(@"ClusterHost ready: (?<url>http://[^,;\s]+).*\(mode (?<mode>[^,]+), \d+ workers?, .*pids (?<pids>[\d, ]+)\)")]
    private static partial Regex ReadyPattern();

    [GeneratedRegex(@"\bpid (\d+)")]
    private static partial Regex PidPattern();
}
