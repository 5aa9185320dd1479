namespace ClusterHost.Control;

/// <summary>One line read from a <see cref="ControlChannel"/>: a message, or why there is none.</summary>
internal readonly record struct ControlRead(ControlReadStatus Status, ControlMessage? Message = null)
{
    public static ControlRead Closed => new(ControlReadStatus.Closed);
}
