using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace ClusterHost.FunctionalTests.Infrastructure;

/// <summary>
/// A real process under test (the primary, or an app alone) with its output captured line by
/// line. Disposing it kills it and every process it started, found through /proc and through
/// every pid its output named (orphaned workers are re-parented and escape a tree walk), so a
/// failing test leaves nothing behind.
/// </summary>
internal sealed partial class ClusterProcess : IAsyncDisposable
{
    /// <summary>Generous bound for anything that should take a second or two on an idle machine.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly ITestOutputHelper? _output;
    private readonly List<string> _lines = [];
    private readonly ConcurrentDictionary<int, byte> _pidsSeen = new();
    private readonly SemaphoreSlim _lineAdded = new(0);
    private readonly TaskCompletionSource _outputClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _openStreams = 2;

    // Directories whose programs this instance may kill on dispose (see IsOurs).
    private readonly string[] _ownedDirectories;

    private ClusterProcess(Process process, ITestOutputHelper? output, string[] ownedDirectories)
    {
        _process = process;
        _output = output;
        _ownedDirectories = ownedDirectories;
    }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Starts the primary with <paramref name="args"/>.</summary>
    public static ClusterProcess StartPrimary(ITestOutputHelper? output, params string[] args) =>
        Start(output, [TestPaths.Primary, .. args], null);

    public static ClusterProcess StartPrimary(ITestOutputHelper? output, IReadOnlyDictionary<string, string> environment, params string[] args) =>
        Start(output, [TestPaths.Primary, .. args], environment);

    /// <summary>Starts the SampleApp alone, as a user would without ClusterHost.</summary>
    public static ClusterProcess StartSampleAppAlone(ITestOutputHelper? output, params string[] args) =>
        Start(output, [TestPaths.SampleApp, .. args], null);

    /// <summary>Starts the scenario runner (loadtests) with <paramref name="args"/>; it starts its own cluster unless given --url.</summary>
    public static ClusterProcess StartLoadTests(ITestOutputHelper? output, params string[] args) =>
        Start(output, [TestPaths.LoadTests, .. args], null);

    /// <summary>
    /// Starts <paramref name="program"/> (the installed clusterhost tool, say) in
    /// <paramref name="workingDirectory"/>. A null value in <paramref name="environment"/> removes
    /// that variable. On dispose, the processes it started that run a program from
    /// <paramref name="ownedDirectories"/> (the tool's and the app's folders) are killed too.
    /// </summary>
    public static ClusterProcess StartProgram(ITestOutputHelper? output, string program, IEnumerable<string> args, string workingDirectory,
        IReadOnlyDictionary<string, string?> environment, params string[] ownedDirectories)
    {
        var startInfo = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        foreach (var arg in args)
        {
            startInfo.ArgumentList.Add(arg);
        }
        startInfo.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (name, value) in environment)
        {
            if (value is null)
            {
                startInfo.Environment.Remove(name);
            }
            else
            {
                startInfo.Environment[name] = value;
            }
        }
        return Start(output, startInfo, ownedDirectories);
    }

    private static ClusterProcess Start(ITestOutputHelper? output, string[] args, IReadOnlyDictionary<string, string>? environment)
    {
        var startInfo = new ProcessStartInfo(TestPaths.Dotnet)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        foreach (var arg in args)
        {
            startInfo.ArgumentList.Add(arg);
        }
        startInfo.Environment["DOTNET_NOLOGO"] = "1";
        if (args[0] == TestPaths.Primary)
        {
            // Never the default metrics port: suites on one machine would fight over it. A test
            // may still pass its own --metrics-urls (the command line wins) or Cluster__MetricsUrls.
            startInfo.Environment["Cluster__MetricsUrls"] = "http://127.0.0.1:0";
        }
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            startInfo.Environment[name] = value;
        }
        return Start(output, startInfo, [Path.GetDirectoryName(TestPaths.Primary)!]);
    }

    private static ClusterProcess Start(ITestOutputHelper? output, ProcessStartInfo startInfo, string[] ownedDirectories)
    {
        var process = new Process { StartInfo = startInfo };
        var cluster = new ClusterProcess(process, output, ownedDirectories);
        process.OutputDataReceived += (_, e) => cluster.OnLine(e.Data, "");
        process.ErrorDataReceived += (_, e) => cluster.OnLine(e.Data, "stderr: ");
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return cluster;
    }

    private void OnLine(string? line, string prefix)
    {
        if (line is null)
        {
            if (Interlocked.Decrement(ref _openStreams) == 0)
            {
                _outputClosed.TrySetResult();
            }
            _lineAdded.Release();
            return;
        }
        foreach (Match match in PidPattern().Matches(line))
        {
            _pidsSeen.TryAdd(int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), 0);
        }
        lock (_lines)
        {
            _lines.Add(prefix + line);
        }
        try
        {
            _output?.WriteLine(prefix + line);
        }
        catch (InvalidOperationException)
        {
            // The test has finished; xunit no longer takes output.
        }
        _lineAdded.Release();
    }

    /// <summary>Every line so far, stdout and stderr ("stderr: " prefixed).</summary>
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

    public string Output => string.Join('\n', Lines);

    public IReadOnlyList<string> StandardError => [.. Lines.Where(l => l.StartsWith("stderr: ", StringComparison.Ordinal)).Select(l => l[8..])];

    /// <summary>Waits for the first line (from <paramref name="after"/> on) matching <paramref name="pattern"/>.</summary>
    public async Task<Match> WaitForLineAsync(Regex pattern, TimeSpan? timeout = null, int after = 0) =>
        (await WaitForLineAtAsync(pattern, timeout, after)).Match;

    /// <summary>Waits until <paramref name="count"/> lines after line <paramref name="after"/> match.</summary>
    public async Task WaitForLinesAsync(Regex pattern, int count, int after = 0)
    {
        for (var i = 0; i < count; i++)
        {
            after = (await WaitForLineAtAsync(pattern, null, after)).Index + 1;
        }
    }

    private async Task<(Match Match, int Index)> WaitForLineAtAsync(Regex pattern, TimeSpan? timeout, int after)
    {
        var deadline = DateTime.UtcNow + (timeout ?? Patience);
        var index = after;
        while (true)
        {
            var lines = Lines;
            for (; index < lines.Count; index++)
            {
                var match = pattern.Match(lines[index]);
                if (match.Success)
                {
                    return (match, index);
                }
            }
            if (_outputClosed.Task.IsCompleted)
            {
                throw new TimeoutException($"The process ended without printing a line matching {pattern}. Output:\n{Output}");
            }
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                throw new TimeoutException($"No line matching {pattern} within {timeout ?? Patience}. Output:\n{Output}");
            }
            await _lineAdded.WaitAsync(left < TimeSpan.FromMilliseconds(500) ? left : TimeSpan.FromMilliseconds(500));
        }
    }

    /// <summary>Waits for the primary's "ClusterHost ready" line; returns the first public URL and the worker pids.</summary>
    public async Task<(Uri Url, int[] Pids)> WaitForReadyAsync()
    {
        var match = await WaitForLineAsync(ReadyPattern());
        var pids = match.Groups["pids"].Value.Split(", ").Select(p => int.Parse(p, CultureInfo.InvariantCulture)).ToArray();
        return (new Uri(match.Groups["url"].Value), pids);
    }

    /// <summary>Waits for an app alone to print Kestrel's "Now listening on" line.</summary>
    public async Task<Uri> WaitForListeningAsync() =>
        new((await WaitForLineAsync(ListeningPattern())).Groups["url"].Value);

    public void Signal(int signal) => Signals.Send(Pid, signal);

    /// <summary>Waits for the process to exit; returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? Patience);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"Process {Pid} did not exit within {timeout ?? Patience}. Output:\n{Output}");
        }
        return _process.ExitCode;
    }

    /// <summary>The pids every line of output named, and the primary's live descendants.</summary>
    public IReadOnlyCollection<int> KnownPids()
    {
        var pids = new HashSet<int>(_pidsSeen.Keys);
        if (!_process.HasExited)
        {
            pids.UnionWith(ProcessTable.Descendants(Pid));
        }
        pids.Remove(Pid);
        return pids;
    }

    /// <summary>The known pids that still run one of our programs.</summary>
    public IReadOnlyList<int> LivePids() =>
        [.. KnownPids().Where(pid => ProcessTable.IsAlive(pid) && IsOurs(pid))];

    private bool IsOurs(int pid)
    {
        var commandLine = ProcessTable.CommandLine(pid);
        return _ownedDirectories.Any(directory => commandLine.Contains(directory, StringComparison.Ordinal));
    }

    /// <summary>Waits until none of the known processes lives; returns those that still do.</summary>
    public async Task<IReadOnlyList<int>> WaitForNoLiveProcessesAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var live = LivePids();
            if (live.Count == 0 || DateTime.UtcNow > deadline)
            {
                return live;
            }
            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        var pids = KnownPids();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }
        foreach (var pid in pids.Where(pid => ProcessTable.IsAlive(pid) && IsOurs(pid)))
        {
            try
            {
                Signals.Send(pid, Signals.SIGKILL);
            }
            catch (InvalidOperationException)
            {
                // Gone in the meantime.
            }
        }
        await _process.WaitForExitAsync();
        _process.Dispose();
    }

    [GeneratedRegex(@"\bpids? (\d+)")]
    private static partial Regex PidPattern();

    [GeneratedRegex(@"ClusterHost ready: (?<url>https?://[^,\s]+).*pids (?<pids>[\d, ]+)\)")]
    private static partial Regex ReadyPattern();

    [GeneratedRegex(@"Now listening on: (?<url>http://\S+)")]
    private static partial Regex ListeningPattern();
}
