using ClusterHost.Tls;

namespace ClusterHost.Primary.Configuration;

/// <summary>
/// Settings of the primary. Bound, lowest precedence first, from the <c>Cluster</c> section of
/// appsettings.json in the working directory, <c>Cluster__*</c> environment variables, and the
/// command line. Validated at start by <see cref="ClusterHostOptionsValidator"/>.
/// </summary>
internal sealed class ClusterHostOptions
{
    public const string SectionName = "Cluster";

    /// <summary>Number of worker processes. Defaults to the number of CPUs; 1 to 1024.</summary>
    public int Workers { get; set; } = Environment.ProcessorCount;

    /// <summary>Public endpoints, ';'-separated. Defaults to <c>http://127.0.0.1:8080</c>.</summary>
    public string Urls { get; set; } = "http://127.0.0.1:8080";

    /// <summary>Balancing mode. Defaults to <see cref="BalancingMode.ReusePort"/>.</summary>
    public BalancingMode Mode { get; set; } = BalancingMode.ReusePort;

    /// <summary>Proxy mode: how a worker is picked for each request. Defaults to <see cref="ProxyBalancePolicy.RoundRobin"/>.</summary>
    public ProxyBalancePolicy Balance { get; set; } = ProxyBalancePolicy.RoundRobin;

    /// <summary>Proxy mode: how the primary reaches the workers. Defaults to <see cref="Configuration.ProxyTransport.Unix"/>.</summary>
    public ProxyTransport ProxyTransport { get; set; } = ProxyTransport.Unix;

    /// <summary>
    /// The app: its <c>.dll</c>, or its apphost executable (<c>./App</c> from <c>dotnet publish</c>).
    /// Also the command line's one positional argument. Defaults to the SampleApp built beside the primary.
    /// </summary>
    public string? App { get; set; }

    /// <summary>
    /// The workers' working directory, which an ASP.NET Core app takes as its content root and
    /// against which relative paths (a SQLite <c>Data Source=app.db</c>) resolve. Defaults to the
    /// directory clusterhost was started in, as <c>dotnet App.dll</c> started there would have it;
    /// for the built-in SampleApp, to its own folder, where its appsettings.json is.
    /// </summary>
    public string? Cwd { get; set; }

    /// <summary>
    /// Where the primary keeps state across runs: <c>keys/&lt;app name&gt;</c>, the data-protection
    /// key ring shared by the workers of an app that configures no key storage of its own.
    /// Defaults to <see cref="StateDirectory.DefaultText"/>.
    /// </summary>
    public string? StateDir { get; set; }

    /// <summary>Seconds a worker may take to drain on shutdown before it is killed. Defaults to 30; 0 to 3600.</summary>
    public double ShutdownTimeout { get; set; } = 30;

    /// <summary>Seconds a new worker may take to become ready before it is killed. Defaults to 30; 1 to 3600.</summary>
    public double StartTimeout { get; set; } = 30;

    /// <summary>
    /// Consecutive quick failures after which a slot is given up. Defaults to 5; 0 to 1000.
    /// When every slot is given up, the primary exits with code 3.
    /// </summary>
    public int MaxRestarts { get; set; } = 5;

    /// <summary>
    /// Seconds to wait before restarting a worker that exited unexpectedly (crashed, was killed,
    /// hung), as PM2's <c>restart_delay</c>; consecutive quick failures wait the longer of this and
    /// the backoff schedule. Defaults to 0 (at once); 0 to 3600.
    /// </summary>
    public double RestartDelay { get; set; }

    /// <summary>
    /// Warm standby processes kept ready to take the place of a worker that exits or is added:
    /// each has started the .NET runtime and warmed ASP.NET Core, but runs none of the app's code
    /// until it takes a slot. Each costs about one idle worker's memory. Defaults to 0 (none);
    /// 0 to 16.
    /// </summary>
    public int Standby { get; set; }

    /// <summary>
    /// Seconds without a heartbeat after which a worker is hung: its stacks are captured, then it
    /// is killed and restarted. Defaults to 30; 0 disables the watchdog; up to 3600.
    /// </summary>
    public double WorkerTimeout { get; set; } = 30;

    /// <summary>Resident memory above which a worker is replaced gracefully, e.g. <c>512MB</c>. Defaults to none.</summary>
    public string? MaxMemory { get; set; }

    /// <summary>Requests after which a worker is replaced gracefully. Defaults to 0 (never).</summary>
    public int MaxRequests { get; set; }

    /// <summary>Up to this many requests are added at random to <see cref="MaxRequests"/> per worker. Defaults to 0.</summary>
    public int MaxRequestsJitter { get; set; }

    /// <summary>Folder for hung-worker stack evidence. Defaults to <c>$TMPDIR/clusterhost</c>.</summary>
    public string? EvidenceDir { get; set; }

    /// <summary>
    /// Where the primary serves Prometheus metrics (<c>/metrics</c>), ';'-separated, or <c>none</c>.
    /// Defaults to <c>http://127.0.0.1:9464</c> (loopback only; OpenTelemetry's Prometheus port).
    /// </summary>
    public string MetricsUrls { get; set; } = "http://127.0.0.1:9464";

    /// <summary>
    /// The https endpoints' certificate: a PEM certificate (with its key in it, or in
    /// <see cref="CertificateKey"/>) or a <c>.pfx</c>/<c>.p12</c> file. Defaults to none; then
    /// <c>Kestrel:Certificates:Default</c> (Path, KeyPath, Password) of the cluster's configuration.
    /// </summary>
    public string? Certificate { get; set; }

    /// <summary>The PEM private key of <see cref="Certificate"/>. Defaults to none (the key is in the certificate's file, or a PFX).</summary>
    public string? CertificateKey { get; set; }

    /// <summary>
    /// The PFX password. Only from configuration (<c>Cluster:CertificatePassword</c>, the
    /// <c>Cluster__CertificatePassword</c> environment variable): never a command-line switch,
    /// which <c>ps</c> shows to every user. Defaults to none.
    /// </summary>
    public string? CertificatePassword { get; set; }

    /// <summary>HTTP versions of the public endpoints. Defaults to <see cref="ListenProtocols.Http1And2"/>.</summary>
    public ListenProtocols Protocols { get; set; } = ListenProtocols.Http1And2;

    /// <summary>
    /// The operator's control socket (<c>clusterhost status|reload|scale|stop</c>), or <c>none</c>.
    /// Defaults to <see cref="Operator.OperatorSocketPath.DefaultText"/>.
    /// </summary>
    public string? ControlSocket { get; set; }

    /// <summary>
    /// Which meters each worker collects: comma-separated meter-name patterns, <c>*</c> wildcards,
    /// a leading <c>-</c> excludes. Defaults to <c>*</c> (every meter in the worker).
    /// </summary>
    public string MetricsMeters { get; set; } = ClusterHost.Metrics.MeterPatterns.Default;

    /// <summary>
    /// Which garbage-collector settings the workers get. Defaults to <see cref="WorkerGcMode.Auto"/>:
    /// ClusterHost's settings for the worker count, unless the app sets a GC setting of its own.
    /// </summary>
    public WorkerGcMode WorkerGc { get; set; } = WorkerGcMode.Auto;
}
