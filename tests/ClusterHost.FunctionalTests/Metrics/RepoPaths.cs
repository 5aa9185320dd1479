using ClusterHost.FunctionalTests.Infrastructure;

namespace ClusterHost.FunctionalTests.Metrics;

/// <summary>Files of the repository the tests check: the metrics reference and the deploy configuration.</summary>
internal static class RepoPaths
{
    /// <summary>The folder holding ClusterHost.sln, found upwards from the built primary.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>docs/metrics.md: a row for every metric family, with its type.</summary>
    public static string MetricsReference => Path.Combine(Root, "docs", "metrics.md");

    public static string PrometheusConfig => Path.Combine(Root, "deploy", "prometheus", "prometheus.yml");

    public static string GrafanaDashboard => Path.Combine(Root, "deploy", "grafana", "clusterhost-dashboard.json");

    private static string FindRoot()
    {
        for (var directory = Path.GetDirectoryName(TestPaths.Primary); directory is not null; directory = Path.GetDirectoryName(directory))
        {
            if (File.Exists(Path.Combine(directory, "ClusterHost.sln")))
            {
                return directory;
            }
        }
        throw new InvalidOperationException($"No ClusterHost.sln above {TestPaths.Primary}");
    }
}
