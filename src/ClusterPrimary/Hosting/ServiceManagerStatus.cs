using System.Globalization;

namespace ClusterHost.Primary.Hosting;

/// <summary>The one-line <c>STATUS=</c> the primary shows in <c>systemctl status</c>.</summary>
internal static class ServiceManagerStatus
{
    /// <summary>
    /// "2/2 workers ready, shared on http://0.0.0.0:8080", prefixed with what the cluster is doing
    /// ("starting: ", "reloading: "), and "(1 given up)" when slots were given up.
    /// </summary>
    public static string Format(string? activity, int ready, int total, int gaveUp, string mode, IReadOnlyList<string> urls)
    {
        var workers = string.Create(CultureInfo.InvariantCulture, $"{ready}/{total} {(total == 1 ? "worker" : "workers")} ready");
        var given = gaveUp > 0 ? string.Create(CultureInfo.InvariantCulture, $" ({gaveUp} given up)") : "";
        var prefix = activity is null ? "" : activity + ": ";
        return $"{prefix}{workers}{given}, {mode} on {string.Join(", ", urls)}";
    }

    /// <summary>"stopping: draining 2 workers".</summary>
    public static string Stopping(int draining) =>
        string.Create(CultureInfo.InvariantCulture, $"stopping: draining {draining} {(draining == 1 ? "worker" : "workers")}");
}
