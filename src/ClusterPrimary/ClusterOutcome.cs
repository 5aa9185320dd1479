namespace ClusterHost.Primary;

/// <summary>
/// How the cluster's run ends, as the primary's process exit code (one of <see cref="ExitCodes"/>):
/// <see cref="ExitCodes.Success"/> until something fails; the first failure recorded wins.
/// </summary>
internal sealed class ClusterOutcome
{
    private int _exitCode = ExitCodes.Success;

    /// <summary>The exit code the primary returns when its host stops.</summary>
    public int ExitCode => Volatile.Read(ref _exitCode);

    /// <summary>Records a failure; ignored when one is already recorded.</summary>
    public void Fail(int exitCode) => Interlocked.CompareExchange(ref _exitCode, exitCode, ExitCodes.Success);
}
