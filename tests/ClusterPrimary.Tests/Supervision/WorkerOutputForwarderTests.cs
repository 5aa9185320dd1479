using System.Text;
using ClusterHost.Primary.Supervision;
using Microsoft.Extensions.Time.Testing;

namespace ClusterHost.Primary.Tests.Supervision;

public sealed class WorkerOutputForwarderTests
{
    private static Task PumpAsync(WorkerOutputForwarder forwarder, string input, bool error = false)
    {
        var from = new MemoryStream(Encoding.UTF8.GetBytes(input));
        return error ? forwarder.PumpErrorAsync(from) : forwarder.PumpOutputAsync(from);
    }

    [Fact]
    public async Task EveryLine_GoesToItsStream_PrefixedWithTheWorker()
    {
        var output = new MemoryStream();
        var error = new MemoryStream();
        var forwarder = new WorkerOutputForwarder(3, new OutputSink(output), new OutputSink(error));

        await PumpAsync(forwarder, "listening\n\n");
        await PumpAsync(forwarder, "oops", error: true);

        Assert.Equal("[worker 3] listening\n[worker 3] \n", Encoding.UTF8.GetString(output.ToArray()));
        Assert.Equal("[worker 3] oops\n", Encoding.UTF8.GetString(error.ToArray()));
    }

    [Fact]
    public async Task OutputOverTheBudget_IsDropped_AndTheDropIsReported()
    {
        var output = new MemoryStream();
        var time = new FakeTimeProvider(); // no time passes: only the burst is forwarded
        var forwarder = new WorkerOutputForwarder(1, new OutputSink(output), new OutputSink(Stream.Null), time);
        var line = new string('x', 1023) + "\n";
        var lines = 2 * WorkerOutputForwarder.BurstBytes / line.Length;

        await PumpAsync(forwarder, string.Concat(Enumerable.Repeat(line, lines)));

        var forwarded = Encoding.UTF8.GetString(output.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.InRange(output.Length, WorkerOutputForwarder.BurstBytes / 2, WorkerOutputForwarder.BurstBytes + 1024);
        Assert.Contains("bytes of output dropped", forwarded[^1], StringComparison.Ordinal);
        Assert.True(forwarded.Length < lines);
    }

    [Fact]
    public async Task ALineLongerThanTheLimit_IsForwardedInPieces()
    {
        var output = new MemoryStream();
        var forwarder = new WorkerOutputForwarder(0, new OutputSink(output), new OutputSink(Stream.Null));

        await PumpAsync(forwarder, new string('y', WorkerOutputForwarder.MaxLineBytes + 10) + "\n");

        var pieces = Encoding.UTF8.GetString(output.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, pieces.Length);
        Assert.Equal("[worker 0] " + new string('y', 10), pieces[1]);
    }
}
