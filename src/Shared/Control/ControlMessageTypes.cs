namespace ClusterHost.Control;

/// <summary>The message types of the control protocol.</summary>
internal static class ControlMessageTypes
{
    /// <summary>Worker to primary, first line: who I am (token, pid).</summary>
    public const string Hello = "hello";

    /// <summary>Worker to primary: Kestrel listens; send me traffic.</summary>
    public const string Ready = "ready";

    /// <summary>Worker to primary, every second, sent from the thread pool.</summary>
    public const string Heartbeat = "heartbeat";

    /// <summary>Worker to primary: I cannot serve, and restarting me will not help.</summary>
    public const string Fatal = "fatal";

    /// <summary>Primary to worker: stop accepting, finish in-flight requests, exit.</summary>
    public const string Drain = "drain";

    /// <summary>
    /// Primary to worker, with an <c>id</c>: send me your metrics. A worker that does not know it
    /// ignores it, and the primary reports that worker not up.
    /// </summary>
    public const string MetricsRequest = "metrics-request";

    /// <summary>Worker to primary, answering <see cref="MetricsRequest"/> with the same <c>id</c>.</summary>
    public const string Metrics = "metrics";

    /// <summary>
    /// Worker to primary, with an <c>id</c>: send me every worker's prometheus-net families, merged
    /// as on the primary's <c>/metrics</c> (the app's own metrics route answers with them).
    /// </summary>
    public const string ClusterMetricsRequest = "cluster-metrics-request";

    /// <summary>Primary to worker, answering <see cref="ClusterMetricsRequest"/> with the same <c>id</c>.</summary>
    public const string ClusterMetrics = "cluster-metrics";
}
