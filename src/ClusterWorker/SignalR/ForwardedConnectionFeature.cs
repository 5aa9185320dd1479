namespace ClusterHost.Worker.SignalR;

/// <summary>
/// Marks a connection that came in on this launch's affinity socket: another worker forwarding
/// a request, whose <c>X-Forwarded-For/-Proto</c> this worker then trusts.
/// </summary>
internal sealed class ForwardedConnectionFeature
{
    public static readonly ForwardedConnectionFeature Instance = new();

    private ForwardedConnectionFeature()
    {
    }
}
