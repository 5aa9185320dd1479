namespace ClusterHost.Primary;

/// <summary>The exit code the primary will return; the first failure to set one wins.</summary>
internal sealed class ClusterExitCode
{
    private int _code = ExitCodes.Success;

    public int Code => Volatile.Read(ref _code);

    public void Fail(int code) => Interlocked.CompareExchange(ref _code, code, ExitCodes.Success);
}
