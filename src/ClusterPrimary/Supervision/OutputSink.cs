namespace ClusterHost.Primary.Supervision;

/// <summary>
/// One of the primary's own output streams (stdout, stderr), shared by every worker's
/// <see cref="WorkerOutputForwarder"/>: whole batches of lines written one at a time,
/// asynchronously, so a slow reader of the primary's output holds no thread.
/// </summary>
internal sealed class OutputSink(Stream stream)
{
    private static readonly Lazy<OutputSink> s_out = new(() => new OutputSink(Console.OpenStandardOutput()));
    private static readonly Lazy<OutputSink> s_error = new(() => new OutputSink(Console.OpenStandardError()));

    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>The primary's stdout.</summary>
    public static OutputSink Out => s_out.Value;

    /// <summary>The primary's stderr.</summary>
    public static OutputSink Error => s_error.Value;

    public async Task WriteAsync(ReadOnlyMemory<byte> lines)
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            await stream.WriteAsync(lines).ConfigureAwait(false);
            await stream.FlushAsync().ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }
}
