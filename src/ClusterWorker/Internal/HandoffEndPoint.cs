using System.Net;

namespace ClusterHost.Worker.Internal;

/// <summary>
/// A public endpoint whose connections the primary accepts and hands to this worker
/// (<c>--mode handoff</c>): Kestrel binds it through <see cref="HandoffListenerFactory"/>, and
/// shows it as the public address.
/// </summary>
internal sealed class HandoffEndPoint(int index, IPEndPoint publicEndPoint) : EndPoint
{
    /// <summary>Its index in the primary's list, which every handed connection names.</summary>
    public int Index { get; } = index;

    /// <summary>Where the primary accepts it.</summary>
    public IPEndPoint PublicEndPoint { get; } = publicEndPoint;

    public override System.Net.Sockets.AddressFamily AddressFamily => PublicEndPoint.AddressFamily;

    public override string ToString() => PublicEndPoint.ToString();
}
