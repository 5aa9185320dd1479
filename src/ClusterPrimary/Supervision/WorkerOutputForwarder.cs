namespace ClusterHost.Primary.Supervision;

/// <summary>
/// Forwards a worker's stdout and stderr lines to the primary's, each prefixed with
/// <c>[worker N] </c> so interleaved output from N workers stays attributable.
/// </summary>
internal sealed class WorkerOutputForwarder(int workerId, TextWriter output, TextWriter error)
{
    private readonly string _prefix = $"[worker {workerId}] ";

    public void ForwardOutput(string line) => output.WriteLine(_prefix + line);

    public void ForwardError(string line) => error.WriteLine(_prefix + line);
}
