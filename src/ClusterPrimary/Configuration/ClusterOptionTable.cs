using System.Globalization;

namespace ClusterHost.Primary.Configuration;

/// <summary>Every setting of the primary, in the order <c>--help</c> lists them.</summary>
internal static class ClusterOptionTable
{
    public static readonly IReadOnlyList<ClusterOption> All =
    [
        new("--workers", nameof(ClusterOptions.Workers), "N",
            $"worker processes, {ClusterOptionsValidator.MinWorkers} to {ClusterOptionsValidator.MaxWorkers}",
            () => $"{Environment.ProcessorCount} (CPUs)",
            (o, v) => ParseInt(v, x => o.Workers = x)),
        new("--urls", nameof(ClusterOptions.Urls), "URL[;URL]",
            "public endpoints: http://IP:PORT, http://localhost:PORT or http://*:PORT",
            () => new ClusterOptions().Urls,
            (o, v) => { o.Urls = v; return null; }),
        new("--mode", nameof(ClusterOptions.Mode), "MODE",
            $"balancing mode: {string.Join(", ", BalancingModeNames.All)}",
            () => BalancingModeNames.ToName(new ClusterOptions().Mode),
            (o, v) =>
            {
                if (!BalancingModeNames.TryParse(v, out var mode))
                {
                    return $"must be one of {string.Join(", ", BalancingModeNames.All)}";
                }
                o.Mode = mode;
                return null;
            }),
        new("--app", nameof(ClusterOptions.App), "PATH",
            "the app's .dll (an ASP.NET Core app that calls UseClusterWorker())",
            () => "the SampleApp built with the primary",
            (o, v) => { o.App = v; return null; }),
        new("--shutdown-timeout", nameof(ClusterOptions.ShutdownTimeout), "SECONDS",
            "how long workers may drain on shutdown before they are killed",
            () => Format(new ClusterOptions().ShutdownTimeout),
            (o, v) => ParseSeconds(v, x => o.ShutdownTimeout = x)),
        new("--start-timeout", nameof(ClusterOptions.StartTimeout), "SECONDS",
            "how long a new worker may take to become ready before it is killed",
            () => Format(new ClusterOptions().StartTimeout),
            (o, v) => ParseSeconds(v, x => o.StartTimeout = x)),
        new("--max-restarts", nameof(ClusterOptions.MaxRestarts), "N",
            "consecutive quick failures before a worker slot is given up",
            () => new ClusterOptions().MaxRestarts.ToString(CultureInfo.InvariantCulture),
            (o, v) => ParseInt(v, x => o.MaxRestarts = x)),
        new("--metrics-urls", nameof(ClusterOptions.MetricsUrls), "URL[;URL]",
            $"where the primary serves Prometheus /metrics (same forms as --urls), or {MetricsUrlsParser.None} to turn it off",
            () => new ClusterOptions().MetricsUrls,
            (o, v) => { o.MetricsUrls = v; return null; }),
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

    private static string Format(double seconds) => seconds.ToString(CultureInfo.InvariantCulture);
}
