using System.Globalization;
using ClusterHost.Primary.Supervision;

namespace ClusterHost.Primary.Configuration;

/// <summary>
/// Checks every setting of <see cref="ClusterHostOptions"/> without stopping at the first error, and
/// resolves them into a <see cref="ClusterHostConfig"/>.
/// </summary>
internal static class ClusterHostOptionsValidator
{
    public const int MinWorkers = 1;
    public const int MaxWorkers = 1024;
    public const double MaxTimeoutSeconds = 3600;
    public const int MaxMaxRestarts = 1000;
    public const int MaxJitter = 1_000_000;

    /// <summary>Where the default app sits beside the primary (copied there by the build).</summary>
    public static string DefaultAppPath => Path.Combine(AppContext.BaseDirectory, "sample", "SampleApp.dll");

    /// <summary>Adds every problem to <paramref name="errors"/>; returns null if it holds any, earlier ones included.</summary>
    /// <remarks>
    /// Relative paths resolve against the directory the primary runs in. The state directory and
    /// the app's key directory in it are created here (mode 0700), with an active key in the
    /// latter, so that a problem with them is a start-up error like any other.
    /// </remarks>
    public static ClusterHostConfig? Validate(ClusterHostOptions options, IReadOnlyList<string> appArguments, ICollection<string> errors) =>
        Validate(options, appArguments, errors, StateDirectory.DefaultForThisProcess);

    internal static ClusterHostConfig? Validate(
        ClusterHostOptions options, IReadOnlyList<string> appArguments, ICollection<string> errors, Func<string> defaultStateDirectory)
    {
        if (options.Workers is < MinWorkers or > MaxWorkers)
        {
            errors.Add($"--workers must be from {MinWorkers} to {MaxWorkers} (got {options.Workers})");
        }
        var urls = ListenUrlParser.Parse(options.Urls, errors);
        var metricsUrls = MetricsUrlsParser.Parse(options.MetricsUrls, urls, errors);
        if (ClusterHost.Metrics.MeterPatterns.Parse(options.MetricsMeters, out var metersError) is null)
        {
            errors.Add($"--metrics-meters {metersError}");
        }
        CheckSeconds("--shutdown-timeout", options.ShutdownTimeout, 0, errors);
        CheckSeconds("--start-timeout", options.StartTimeout, 1, errors);
        if (options.MaxRestarts is < 0 or > MaxMaxRestarts)
        {
            errors.Add($"--max-restarts must be from 0 to {MaxMaxRestarts} (got {options.MaxRestarts})");
        }
        var appPath = ResolveApp(options.App, errors);
        var workingDirectory = ResolveWorkingDirectory(options.Cwd, appPath, errors);
        if (options.WorkerTimeout != 0)
        {
            CheckSeconds("--worker-timeout", options.WorkerTimeout, 1, errors);
        }
        var maxMemory = 0L;
        if (!string.IsNullOrWhiteSpace(options.MaxMemory) && !ByteSize.TryParse(options.MaxMemory, out maxMemory))
        {
            errors.Add($"--max-memory must be a size such as 512MB or 2GB, at least 1MB (got '{options.MaxMemory}')");
        }
        if (options.MaxRequests < 0)
        {
            errors.Add($"--max-requests must be 0 (never) or more (got {options.MaxRequests})");
        }
        if (options.MaxRequestsJitter < 0 || options.MaxRequestsJitter > MaxJitter)
        {
            errors.Add($"--max-requests-jitter must be from 0 to {MaxJitter} (got {options.MaxRequestsJitter})");
        }

        if (errors.Count > 0)
        {
            return null;
        }
        // Last, and only when all else holds: it creates directories.
        var (stateDirectory, keyDirectory) = PrepareStateDirectory(options.StateDir, defaultStateDirectory, appPath!, errors);
        if (errors.Count > 0)
        {
            return null;
        }
        return new ClusterHostConfig
        {
            Workers = options.Workers,
            Urls = urls,
            Mode = options.Mode,
            Balance = options.Balance,
            ProxyTransport = options.ProxyTransport,
            AppPath = appPath!,
            WorkingDirectory = workingDirectory!,
            StateDirectory = stateDirectory,
            KeyDirectory = keyDirectory,
            AppArguments = appArguments,
            ShutdownTimeout = TimeSpan.FromSeconds(options.ShutdownTimeout),
            StartTimeout = TimeSpan.FromSeconds(options.StartTimeout),
            MaxRestarts = options.MaxRestarts,
            WorkerTimeout = TimeSpan.FromSeconds(options.WorkerTimeout),
            MaxMemoryBytes = maxMemory,
            MaxRequests = options.MaxRequests,
            MaxRequestsJitter = options.MaxRequestsJitter,
            EvidenceDirectory = string.IsNullOrWhiteSpace(options.EvidenceDir)
                ? Path.Combine(Path.GetTempPath(), "clusterhost")
                : Path.GetFullPath(options.EvidenceDir),
            MetricsUrls = metricsUrls,
            MetricsMeters = options.MetricsMeters,
        };
    }

    private static void CheckSeconds(string name, double value, double min, ICollection<string> errors)
    {
        if (value < min || value > MaxTimeoutSeconds)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"{name} must be from {min} to {MaxTimeoutSeconds} seconds (got {value})"));
        }
    }

    private static string? ResolveApp(string? app, ICollection<string> errors)
    {
        if (string.IsNullOrWhiteSpace(app))
        {
            if (!File.Exists(DefaultAppPath))
            {
                errors.Add($"the default app is missing at '{DefaultAppPath}'; build the solution, or pass --app PATH");
                return null;
            }
            return DefaultAppPath;
        }
        var path = Path.GetFullPath(app);
        if (!File.Exists(path))
        {
            errors.Add(Directory.Exists(path)
                ? $"--app '{app}' is a directory; name the app's .dll or apphost executable in it"
                : $"--app file '{app}' does not exist");
            return null;
        }
        // An apphost executable (./App from dotnet publish) is run as it is; AppInspector checks it further.
        if (!WorkerInjection.IsDll(path) && AppInspector.ReadKind(path) != AppInspector.FileKind.Elf)
        {
            errors.Add($"--app must name the app's .dll or its apphost executable (got '{app}', which is neither)");
            return null;
        }
        return path;
    }

    /// <summary>
    /// <c>--cwd</c>, or the directory the primary runs in, as <c>dotnet App.dll</c> run there would
    /// have it. The built-in SampleApp runs in its own folder: the user chose neither it nor where
    /// it lies, and its appsettings.json (its content root is its working directory) is there.
    /// </summary>
    private static string? ResolveWorkingDirectory(string? cwd, string? appPath, ICollection<string> errors)
    {
        if (string.IsNullOrWhiteSpace(cwd))
        {
            return appPath is null ? null : DefaultWorkingDirectory(appPath);
        }
        var path = Path.GetFullPath(cwd);
        if (!Directory.Exists(path))
        {
            errors.Add(File.Exists(path)
                ? $"--cwd '{cwd}' is a file, not a directory"
                : $"--cwd directory '{cwd}' does not exist");
            return null;
        }
        return Path.TrimEndingDirectorySeparator(path);
    }

    internal static string DefaultWorkingDirectory(string appPath) =>
        appPath == DefaultAppPath ? Path.GetDirectoryName(DefaultAppPath)! : Directory.GetCurrentDirectory();

    private static (string? State, string? Keys) PrepareStateDirectory(
        string? stateDir, Func<string> defaultStateDirectory, string appPath, ICollection<string> errors)
    {
        var isDefault = string.IsNullOrWhiteSpace(stateDir);
        var state = isDefault ? defaultStateDirectory() : Path.GetFullPath(stateDir!);
        // The default may lie in a shared place (/tmp): it must be this user's own.
        if (StateDirectory.Prepare(state, mustBePrivate: isDefault) is { } problem)
        {
            errors.Add($"--state-dir {problem}{(isDefault ? " (the default; pass --state-dir DIR)" : "")}");
            return (null, null);
        }
        var keys = StateDirectory.KeyDirectory(state, appPath);
        if ((StateDirectory.Prepare(Path.GetDirectoryName(keys)!, mustBePrivate: true)
            ?? StateDirectory.Prepare(keys, mustBePrivate: true)
            ?? SharedKeyRing.EnsureActiveKey(keys)) is { } keysProblem)
        {
            errors.Add($"--state-dir: the key directory {keysProblem}");
            return (null, null);
        }
        return (state, keys);
    }
}
