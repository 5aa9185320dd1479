namespace ClusterHost.Primary;

/// <summary>The cluster cannot start; the message is the one line the user sees.</summary>
internal sealed class ClusterStartupException(string message, int exitCode, Exception? innerException = null)
    : Exception(message, innerException)
{
    public int ExitCode { get; } = exitCode;
}
