namespace ClusterHost.Control;

/// <summary>Worker to primary: Kestrel listens. See <see cref="ControlMessageTypes.Ready"/>.</summary>
internal sealed record ReadyMessage : ControlMessage;
