namespace ClusterHost.Control;

/// <summary>Primary to worker: stop accepting, finish in-flight requests, exit. See <see cref="ControlMessageTypes.Drain"/>.</summary>
/// <param name="TimeoutMs">How long the worker may take to drain, in milliseconds.</param>
internal sealed record DrainMessage(int TimeoutMs) : ControlMessage
{
    /// <summary>A drain within <paramref name="timeout"/>, capped at <see cref="int.MaxValue"/> milliseconds.</summary>
    public static DrainMessage Within(TimeSpan timeout) => new((int)Math.Min(int.MaxValue, timeout.TotalMilliseconds));
}
