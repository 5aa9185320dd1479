namespace ClusterHost.Control;

/// <summary>Worker to primary: I cannot serve. See <see cref="ControlMessageTypes.Fatal"/>.</summary>
/// <param name="Error">A machine-readable reason, e.g. <see cref="ControlErrors.AddressInUse"/>.</param>
/// <param name="Message">What went wrong, for the operator.</param>
internal sealed record FatalMessage(string Error, string Message) : ControlMessage;
