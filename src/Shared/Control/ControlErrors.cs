namespace ClusterHost.Control;

/// <summary>Reasons a worker gives in a <see cref="ControlMessageTypes.Fatal"/> message.</summary>
internal static class ControlErrors
{
    public const string AddressInUse = "address-in-use";
}
