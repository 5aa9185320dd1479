namespace ClusterHost.Primary.Commands;

/// <summary>No primary could be asked (no socket, a stale one, refused, cut off): its message is the one line the user sees.</summary>
internal sealed class OperatorUnreachableException(string message) : Exception(message);
