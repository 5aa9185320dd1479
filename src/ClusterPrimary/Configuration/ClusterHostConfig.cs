using ClusterHost.Primary.Platform;
using ClusterHost.Tls;

namespace ClusterHost.Primary.Configuration;

/// <summary>The validated, resolved settings the primary runs with. Immutable.</summary>
internal sealed record ClusterHostConfig
{
    public required int Workers { get; init; }
    public required IReadOnlyList<ListenUrl> Urls { get; init; }
    public required BalancingMode Mode { get; init; }

    /// <summary>Proxy mode: how a worker is picked for each request.</summary>
    public ProxyBalancePolicy Balance { get; init; } = ProxyBalancePolicy.RoundRobin;

    /// <summary>Proxy mode: how the primary reaches the workers.</summary>
    public ProxyTransport ProxyTransport { get; init; } = ProxyTransport.Unix;

    /// <summary>Full path of the app's .dll or apphost executable.</summary>
    public required string AppPath { get; init; }

    /// <summary>Full path of the workers' working directory (the app's content root).</summary>
    public string WorkingDirectory { get; init; } = Environment.CurrentDirectory;

    /// <summary>Full path of the state directory; it exists. Null only in configs built by tests.</summary>
    public string? StateDirectory { get; init; }

    /// <summary>
    /// Full path of the data-protection key ring the workers share unless the app stores its keys
    /// itself: <c>&lt;state dir&gt;/keys/&lt;app name&gt;</c>, created with mode 0700. Null only
    /// in configs built by tests: workers then get no shared key ring.
    /// </summary>
    public string? KeyDirectory { get; init; }

    public IReadOnlyList<string> AppArguments { get; init; } = [];
    public required TimeSpan ShutdownTimeout { get; init; }
    public required TimeSpan StartTimeout { get; init; }
    public required int MaxRestarts { get; init; }

    /// <summary>The least wait before a worker that exited unexpectedly is restarted (<c>--restart-delay</c>).</summary>
    public TimeSpan RestartDelay { get; init; }

    /// <summary>Warm standby processes kept to replace or add workers quickly (<c>--standby</c>); 0 by default.</summary>
    public int Standby { get; init; }

    /// <summary>No heartbeat for this long means hung; <see cref="TimeSpan.Zero"/> disables the watchdog.</summary>
    public TimeSpan WorkerTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Resident bytes above which a worker is recycled; 0 = no limit.</summary>
    public long MaxMemoryBytes { get; init; }

    public int MaxRequests { get; init; }

    public int MaxRequestsJitter { get; init; }

    public string EvidenceDirectory { get; init; } = Path.Combine(Path.GetTempPath(), "clusterhost");

    /// <summary>Where <c>/metrics</c> is served; empty when <c>--metrics-urls none</c>.</summary>
    public IReadOnlyList<ListenUrl> MetricsUrls { get; init; } = [];

    /// <summary>The https URLs' certificate, checked at start; null when no URL is https.</summary>
    public CertificateFiles? Certificate { get; init; }

    /// <summary>HTTP versions of the public endpoints.</summary>
    public ListenProtocols Protocols { get; init; } = ListenProtocols.Http1And2;

    /// <summary>
    /// The listening sockets systemd passed (<c>LISTEN_FDS</c>); when active, the public endpoints
    /// are these and <see cref="Urls"/> is not bound. <see cref="SocketActivation.None"/> by default.
    /// </summary>
    public SocketActivation Activation { get; init; } = SocketActivation.None;

    /// <summary>Full path of the operator's control socket; null when <c>--control-socket none</c> (and in configs built by tests).</summary>
    public string? ControlSocket { get; init; }

    /// <summary>True when <see cref="ControlSocket"/> is the default path, not one given with <c>--control-socket</c>.</summary>
    public bool ControlSocketIsDefault { get; init; }
    /// <summary>Which meters the workers collect (<c>--metrics-meters</c>), validated; passed to each worker.</summary>
    public string MetricsMeters { get; init; } = ClusterHost.Metrics.MeterPatterns.Default;

    /// <summary>Which garbage-collector settings the workers get (<c>--worker-gc</c>).</summary>
    public WorkerGcMode WorkerGc { get; init; } = WorkerGcMode.Auto;
}
