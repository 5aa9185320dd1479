namespace ClusterHost.Control;

/// <summary>Worker to primary, the first line: who I am. See <see cref="ControlMessageTypes.Hello"/>.</summary>
/// <param name="Token">The per-launch secret from <see cref="WorkerEnvironmentVariables.Token"/>.</param>
/// <param name="Pid">The worker's own pid (the primary trusts SO_PEERCRED, not this).</param>
internal sealed record HelloMessage(string Token, int Pid) : ControlMessage;
