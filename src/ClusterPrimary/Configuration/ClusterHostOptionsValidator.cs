using System.Globalization;
using ClusterHost.Primary.Platform;
using ClusterHost.Primary.Supervision;
using ClusterHost.Tls;

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
    public const int MaxStandby = 16;

    /// <summary>Where the default app sits beside the primary (copied there by the build).</summary>
    public static string DefaultAppPath => Path.Combine(AppContext.BaseDirectory, "sample", "SampleApp.dll");

    /// <summary>Adds every problem to <paramref name="errors"/>; returns null if it holds any, earlier ones included.</summary>
    /// <remarks>
    /// Relative paths resolve against the directory the primary runs in. Nothing is created here:
    /// the state and key directories are made at start, by <see cref="StateDirectorySetup"/>.
    /// </remarks>
    public static ClusterHostConfig? Validate(ClusterHostOptions options, IReadOnlyList<string> appArguments, ICollection<string> errors) =>
        Validate(options, appArguments, errors, StateDirectory.DefaultForThisProcess,
            SocketActivation.Read(Environment.GetEnvironmentVariable, Environment.ProcessId, errors));

    internal static ClusterHostConfig? Validate(
        ClusterHostOptions options, IReadOnlyList<string> appArguments, ICollection<string> errors, Func<string> defaultStateDirectory,
        SocketActivation? activation = null)
    {
        activation ??= SocketActivation.None;
        if (options.Workers is < MinWorkers or > MaxWorkers)
        {
            errors.Add($"--workers must be from {MinWorkers} to {MaxWorkers} (got {options.Workers})");
        }
        var urls = ListenUrlParser.Parse(options.Urls, errors, allowHttps: true);
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
        CheckSeconds("--restart-delay", options.RestartDelay, 0, errors);
        if (options.Standby is < 0 or > MaxStandby)
        {
            errors.Add($"--standby must be from 0 to {MaxStandby} (got {options.Standby})");
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

        var certificate = CertificateCheck.Check(options, urls, DateTimeOffset.UtcNow, errors);
        CheckActivation(options.Mode, activation, errors);

        if (errors.Count > 0)
        {
            return null;
        }
        // Only resolved here; StateDirectorySetup creates them at start.
        var stateDirectory = string.IsNullOrWhiteSpace(options.StateDir) ? defaultStateDirectory() : Path.GetFullPath(options.StateDir);
        var keyDirectory = StateDirectory.KeyDirectory(stateDirectory, appPath!);
        var controlSocket = Operator.ControlSocketResolver.Resolve(
            options.ControlSocket, string.IsNullOrWhiteSpace(options.Cwd) ? Environment.CurrentDirectory : workingDirectory!, appPath!, defaultStateDirectory, errors);
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
            RestartDelay = TimeSpan.FromSeconds(options.RestartDelay),
            Standby = options.Standby,
            WorkerTimeout = TimeSpan.FromSeconds(options.WorkerTimeout),
            MaxMemoryBytes = maxMemory,
            MaxRequests = options.MaxRequests,
            MaxRequestsJitter = options.MaxRequestsJitter,
            EvidenceDirectory = string.IsNullOrWhiteSpace(options.EvidenceDir)
                ? Path.Combine(Path.GetTempPath(), "clusterhost")
                : Path.GetFullPath(options.EvidenceDir),
            MetricsUrls = metricsUrls,
            Certificate = certificate,
            Protocols = options.Protocols,
            Activation = activation,
            ControlSocket = controlSocket,
            ControlSocketIsDefault = string.IsNullOrWhiteSpace(options.ControlSocket),
            MetricsMeters = options.MetricsMeters,
            WorkerGc = options.WorkerGc,
        };
    }

    /// <summary>
    /// Passed sockets (<c>LISTEN_FDS</c>) are served in <c>shared</c> mode (the workers inherit them)
    /// and <c>proxy</c> mode (the primary's front accepts on them). <c>reuseport</c> cannot: each
    /// worker needs a socket of its own with SO_REUSEPORT set before it is bound, and a passed
    /// socket is bound and listening already.
    /// </summary>
    private static void CheckActivation(BalancingMode mode, SocketActivation activation, ICollection<string> errors)
    {
        if (activation.IsActive && mode == BalancingMode.ReusePort)
        {
            errors.Add($"--mode reuseport cannot serve the sockets systemd passed (LISTEN_FDS={activation.Descriptors.Count}): SO_REUSEPORT cannot be added to a listening socket; use --mode shared (or handoff, or proxy)");
        }
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
}
