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
}
