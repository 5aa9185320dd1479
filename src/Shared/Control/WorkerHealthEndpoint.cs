namespace ClusterHost.Control;

/// <summary>
/// The health endpoint every worker answers under the primary, before the app's own pipeline:
/// 200 while it serves, 503 once it is stopping. The proxy mode probes it.
/// </summary>
internal static class WorkerHealthEndpoint
{
    public const string Path = "/_clusterhost/health";
}
