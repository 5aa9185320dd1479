using System.Globalization;
using ClusterHost.Text;
using ClusterHost.Tls;

namespace ClusterHost.Primary.Configuration;

/// <summary>Every setting of the primary, in the order <c>--help</c> lists them.</summary>
internal static class ClusterOptionTable
{
    public static readonly IReadOnlyList<ClusterOption> All =
    [
        new("--workers", nameof(ClusterHostOptions.Workers), "N",
            $"worker processes, {ClusterHostOptionsValidator.MinWorkers} to {ClusterHostOptionsValidator.MaxWorkers}",
            () => $"{Environment.ProcessorCount} (CPUs)",
            (o, v) => ParseInt(v, x => o.Workers = x)),
        new("--urls", nameof(ClusterHostOptions.Urls), "URL[;URL]",
            "public endpoints: http://IP:PORT, http://localhost:PORT or http://*:PORT; https://... with --certificate",
            () => new ClusterHostOptions().Urls,
            (o, v) => { o.Urls = v; return null; }),
        new("--mode", nameof(ClusterHostOptions.Mode), "MODE",
            $"balancing mode: {string.Join(", ", EnumNames<BalancingMode>.All)}",
            () => EnumNames<BalancingMode>.ToName(new ClusterHostOptions().Mode),
            (o, v) => ParseName<BalancingMode>(v, x => o.Mode = x)),
        new("--balance", nameof(ClusterHostOptions.Balance), "POLICY",
            $"proxy mode: how a worker is picked for each request: {string.Join(", ", EnumNames<ProxyBalancePolicy>.All)}",
            () => EnumNames<ProxyBalancePolicy>.ToName(new ClusterHostOptions().Balance),
            (o, v) => ParseName<ProxyBalancePolicy>(v, x => o.Balance = x)),
        new("--proxy-transport", nameof(ClusterHostOptions.ProxyTransport), "TRANSPORT",
            $"proxy mode: how the primary reaches workers: {string.Join(", ", EnumNames<ProxyTransport>.All)} (loopback)",
            () => EnumNames<ProxyTransport>.ToName(new ClusterHostOptions().ProxyTransport),
            (o, v) => ParseName<ProxyTransport>(v, x => o.ProxyTransport = x)),
        new("--app", nameof(ClusterHostOptions.App), "PATH",
            "the app's .dll or apphost executable; the same as giving it as APP",
            () => "the SampleApp built with the primary",
            (o, v) => { o.App = v; return null; }),
        new("--cwd", nameof(ClusterHostOptions.Cwd), "DIR",
            "the workers' working directory (the app's content root; relative paths such as a SQLite Data Source resolve there)",
            () => "the directory clusterhost runs in; the SampleApp's own folder for the SampleApp",
            (o, v) => { o.Cwd = v; return null; }),
        new("--state-dir", nameof(ClusterHostOptions.StateDir), "DIR",
            "state kept across runs: keys/<app>, the data-protection key ring the workers share",
            () => StateDirectory.DefaultText,
            (o, v) => { o.StateDir = v; return null; }),
        new("--shutdown-timeout", nameof(ClusterHostOptions.ShutdownTimeout), "SECONDS",
            "how long workers may drain on shutdown before they are killed",
            () => Format(new ClusterHostOptions().ShutdownTimeout),
            (o, v) => ParseSeconds(v, x => o.ShutdownTimeout = x)),
        new("--start-timeout", nameof(ClusterHostOptions.StartTimeout), "SECONDS",
            "how long a new worker may take to become ready before it is killed",
            () => Format(new ClusterHostOptions().StartTimeout),
            (o, v) => ParseSeconds(v, x => o.StartTimeout = x)),
        new("--max-restarts", nameof(ClusterHostOptions.MaxRestarts), "N",
            "consecutive quick failures before a worker slot is given up",
            () => new ClusterHostOptions().MaxRestarts.ToString(CultureInfo.InvariantCulture),
            (o, v) => ParseInt(v, x => o.MaxRestarts = x)),
        new("--restart-delay", nameof(ClusterHostOptions.RestartDelay), "SECONDS",
            "wait this long before restarting a worker that exited unexpectedly (crash, kill, hang)",
            () => Format(new ClusterHostOptions().RestartDelay),
            (o, v) => ParseSeconds(v, x => o.RestartDelay = x)),
        new("--standby", nameof(ClusterHostOptions.Standby), "N",
            $"warm processes kept ready to replace or add a worker in a fraction of a start, 0 to {ClusterHostOptionsValidator.MaxStandby}; each costs about an idle worker's memory",
            () => new ClusterHostOptions().Standby.ToString(CultureInfo.InvariantCulture),
            (o, v) => ParseInt(v, x => o.Standby = x)),
        new("--worker-timeout", nameof(ClusterHostOptions.WorkerTimeout), "SECONDS",
            "a worker silent this long is hung: stacks captured, killed, restarted; 0 disables",
            () => Format(new ClusterHostOptions().WorkerTimeout),
            (o, v) => ParseSeconds(v, x => o.WorkerTimeout = x)),
        new("--max-memory", nameof(ClusterHostOptions.MaxMemory), "SIZE",
            "replace a worker gracefully when its resident memory exceeds SIZE (e.g. 512MB, 2GB)",
            () => "none",
            (o, v) => { o.MaxMemory = v; return null; }),
        new("--max-requests", nameof(ClusterHostOptions.MaxRequests), "N",
            "replace a worker gracefully after N requests; 0 never",
            () => "0",
            (o, v) => ParseInt(v, x => o.MaxRequests = x)),
        new("--max-requests-jitter", nameof(ClusterHostOptions.MaxRequestsJitter), "J",
            "add up to J requests at random to --max-requests per worker, so workers do not recycle together",
            () => "0",
            (o, v) => ParseInt(v, x => o.MaxRequestsJitter = x)),
        new("--evidence-dir", nameof(ClusterHostOptions.EvidenceDir), "PATH",
            "folder for the stacks of hung workers",
            () => "$TMPDIR/clusterhost",
            (o, v) => { o.EvidenceDir = v; return null; }),
        new("--metrics-urls", nameof(ClusterHostOptions.MetricsUrls), "URL[;URL]",
            $"where the primary serves Prometheus /metrics (same forms as --urls), or {MetricsUrlsParser.None} to turn it off",
            () => new ClusterHostOptions().MetricsUrls,
            (o, v) => { o.MetricsUrls = v; return null; }),
        new("--certificate", nameof(ClusterHostOptions.Certificate), "PATH",
            "certificate of the https URLs: PEM (its key in it or in --certificate-key) or .pfx/.p12 (password from Cluster__CertificatePassword); replaced files are read on SIGHUP",
            () => "Kestrel:Certificates:Default of the configuration, if any",
            (o, v) => { o.Certificate = v; return null; }),
        new("--certificate-key", nameof(ClusterHostOptions.CertificateKey), "PATH",
            "PEM private key of --certificate (keep it mode 0600)",
            () => "none",
            (o, v) => { o.CertificateKey = v; return null; }),
        new("--protocols", nameof(ClusterHostOptions.Protocols), "PROTOCOLS",
            $"HTTP versions served: {string.Join(", ", EnumNames<ListenProtocols>.All)} (on http, http1and2 is HTTP/1.1; http2 is h2c)",
            () => EnumNames<ListenProtocols>.ToName(new ClusterHostOptions().Protocols),
            (o, v) => ParseName<ListenProtocols>(v, x => o.Protocols = x)),
        new("--control-socket", nameof(ClusterHostOptions.ControlSocket), "PATH",
            $"the Unix socket (mode 0600) that clusterhost status|reload|scale|stop talk to, or {Operator.ControlSocketResolver.None} to turn it off",
            () => Operator.OperatorSocketPath.DefaultText,
            (o, v) => { o.ControlSocket = v; return null; }),
        new("--metrics-meters", nameof(ClusterHostOptions.MetricsMeters), "PATTERNS",
            "which System.Diagnostics.Metrics meters the workers collect: meter names with * wildcards, a leading - excludes, comma-separated (e.g. MyApp.*,-System.Net.Quic*)",
            () => new ClusterHostOptions().MetricsMeters,
            (o, v) => { o.MetricsMeters = v; return null; }),
        new("--worker-gc", nameof(ClusterHostOptions.WorkerGc), "MODE",
            $"the workers' garbage collector: {EnumNames<WorkerGcMode>.ToName(WorkerGcMode.Auto)} (ClusterHost's settings for the worker count, unless the app sets its own) or {EnumNames<WorkerGcMode>.ToName(WorkerGcMode.Runtime)} (the runtime's defaults)",
            () => EnumNames<WorkerGcMode>.ToName(new ClusterHostOptions().WorkerGc),
            (o, v) => ParseName<WorkerGcMode>(v, x => o.WorkerGc = x)),
    ];

    public static ClusterOption? FindSwitch(string name) =>
        All.FirstOrDefault(option => string.Equals(option.Switch, name, StringComparison.Ordinal));

    public static ClusterOption? FindKey(string key) =>
        All.FirstOrDefault(option => string.Equals(option.Key, key, StringComparison.OrdinalIgnoreCase));

    private static string? ParseInt(string value, Action<int> set)
    {
        if (!int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed))
        {
            return "must be a whole number";
        }
        set(parsed);
        return null;
    }

    private static string? ParseSeconds(string value, Action<double> set)
    {
        if (!double.TryParse(value, NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed)
            || !double.IsFinite(parsed))
        {
            return "must be a number of seconds";
        }
        set(parsed);
        return null;
    }

    private static string? ParseName<TEnum>(string value, Action<TEnum> set)
        where TEnum : struct, Enum
    {
        if (!EnumNames<TEnum>.TryParse(value, out var parsed))
        {
            return $"must be one of {string.Join(", ", EnumNames<TEnum>.All)}";
        }
        set(parsed);
        return null;
    }

    private static string Format(double seconds) => seconds.ToString(CultureInfo.InvariantCulture);
}
