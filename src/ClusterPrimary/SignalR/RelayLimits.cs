namespace ClusterHost.Primary.SignalR;

/// <summary>How much the relay holds for one worker before it drops that worker.</summary>
/// <param name="MaxQueuedFrames">Messages waiting for one worker: 8192 by default.</param>
/// <param name="MaxQueuedBytes">Bytes waiting for one worker: 32 MiB by default.</param>
internal sealed record RelayLimits(int MaxQueuedFrames, long MaxQueuedBytes)
{
    public static readonly RelayLimits Default = new(8192, 32L * 1024 * 1024);
}
