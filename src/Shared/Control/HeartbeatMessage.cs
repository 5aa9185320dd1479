namespace ClusterHost.Control;

/// <summary>Worker to primary, every second. See <see cref="ControlMessageTypes.Heartbeat"/>.</summary>
/// <param name="Requests">Requests the worker has served so far.</param>
internal sealed record HeartbeatMessage(long Requests) : ControlMessage;
