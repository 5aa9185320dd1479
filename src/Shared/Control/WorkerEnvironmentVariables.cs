namespace ClusterHost.Control;

/// <summary>
/// The environment variables through which the primary tells a worker process who it is and
/// where to listen. The worker removes them from its environment once read, so processes the
/// app starts do not take themselves for workers; all but <see cref="KeptForTheApp"/>, which any
/// app may read (as a Node app reads PM2's <c>NODE_APP_INSTANCE</c>).
/// </summary>
internal static class WorkerEnvironmentVariables
{
    /// <summary>Address of the primary's control socket (a Linux abstract socket name).</summary>
    public const string Control = "CLUSTERHOST_CONTROL";

    /// <summary>Secret of this launch, sent back in <c>hello</c>.</summary>
    public const string Token = "CLUSTERHOST_TOKEN";

    /// <summary>Worker slot id, 0..N-1, stable across restarts.</summary>
    public const string WorkerId = "CLUSTERHOST_WORKER_ID";

    /// <summary>Number of worker slots.</summary>
    public const string WorkerCount = "CLUSTERHOST_WORKER_COUNT";

    /// <summary>How to listen: one of <see cref="WorkerListenModes"/>.</summary>
    public const string ListenMode = "CLUSTERHOST_LISTEN_MODE";

    /// <summary>Where to listen, ';'-separated: IP endpoints for reuseport, a socket path for unix, descriptor numbers for inherited.</summary>
    public const string Listen = "CLUSTERHOST_LISTEN";

    /// <summary>Graceful shutdown budget of the worker's host, in milliseconds.</summary>
    public const string ShutdownTimeoutMs = "CLUSTERHOST_SHUTDOWN_TIMEOUT_MS";

    /// <summary>
    /// Directory of the data-protection key ring the workers share (mode 0700, made by the primary),
    /// used only when the app configures no key storage of its own. Optional.
    /// </summary>
    public const string KeyDirectory = "CLUSTERHOST_KEY_DIRECTORY";

    /// <summary>The endpoints of <see cref="Listen"/> served with TLS, ';'-separated. Optional.</summary>
    public const string HttpsListen = "CLUSTERHOST_HTTPS_LISTEN";

    /// <summary>The certificate file of the TLS endpoints (PEM or PFX), read when the worker starts.</summary>
    public const string Certificate = "CLUSTERHOST_CERTIFICATE";

    /// <summary>The PEM private key file of <see cref="Certificate"/>. Optional.</summary>
    public const string CertificateKey = "CLUSTERHOST_CERTIFICATE_KEY";

    /// <summary>The PFX password: in the environment (readable only by the user and root), never in argv. Optional.</summary>
    public const string CertificatePassword = "CLUSTERHOST_CERTIFICATE_PASSWORD";

    /// <summary>HTTP versions of the public endpoints: http1, http2 or http1and2 (the default).</summary>
    public const string Protocols = "CLUSTERHOST_PROTOCOLS";

    /// <summary>
    /// Behind the proxy: a second private listener (socket path or IP endpoint) that speaks HTTP/2
    /// with prior knowledge, for the requests that need HTTP/2 end to end (gRPC). Optional.
    /// </summary>
    public const string Http2Listen = "CLUSTERHOST_LISTEN_H2";

    /// <summary>Which meters the worker collects: the validated <c>--metrics-meters</c> patterns. Optional (every meter).</summary>
    public const string MetricsMeters = "CLUSTERHOST_METRICS_METERS";

    /// <summary>
    /// The launch's generation within its slot (grows with every launch), part of the SignalR
    /// connection tokens it issues. Optional (0).
    /// </summary>
    public const string Generation = "CLUSTERHOST_GENERATION";

    /// <summary>
    /// The primary's private directory (mode 0700) where every launch listens on
    /// <c>a{slot}-{generation}.sock</c> for the SignalR requests other workers forward to it. Optional.
    /// </summary>
    public const string AffinityDirectory = "CLUSTERHOST_AFFINITY_DIRECTORY";

    /// <summary>
    /// Address of the primary's SignalR relay socket (a Linux abstract socket name), through which
    /// the worker's hub lifetime manager reaches the other workers. Optional (no relay).
    /// </summary>
    public const string SignalRRelay = "CLUSTERHOST_SIGNALR_RELAY";

    /// <summary>
    /// <c>--mode handoff</c>: the primary's handoff socket for this launch (an abstract socket name)
    /// and, after a space, the token that proves the launch (<see cref="Handoff.HandoffProtocol"/>).
    /// </summary>
    public const string Handoff = "CLUSTERHOST_HANDOFF";

    /// <summary>
    /// <c>1</c> in a standby (<c>--standby</c>): the startup hook warms ASP.NET Core, then waits
    /// for a slot (the rest of a worker's environment, one JSON line on stdin) before the app's
    /// <c>Main</c>. Removed when the standby takes the slot.
    /// </summary>
    public const string Standby = "CLUSTERHOST_STANDBY";

    public static readonly string[] All =
    [
        Control, Token, WorkerId, WorkerCount, ListenMode, Listen, ShutdownTimeoutMs, KeyDirectory,
        HttpsListen, Certificate, CertificateKey, CertificatePassword, Protocols, Http2Listen, MetricsMeters,
        Generation, AffinityDirectory, SignalRRelay, Handoff, Standby,
    ];

    /// <summary>Left in the worker's environment: who it is, for an app that never referenced ClusterHost.</summary>
    public static readonly string[] KeptForTheApp = [WorkerId, WorkerCount];
}
