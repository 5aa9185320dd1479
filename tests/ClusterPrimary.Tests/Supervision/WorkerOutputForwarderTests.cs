using ClusterHost.Primary.Supervision;

namespace ClusterHost.Primary.Tests.Supervision;

public sealed class WorkerOutputForwarderTests
{
    [Fact]
    public void EveryLine_GoesToItsStream_PrefixedWithTheWorker()
    {
        var output = new StringWriter { NewLine = "\n" };
        var error = new StringWriter { NewLine = "\n" };
        var forwarder = new WorkerOutputForwarder(3, output, error);

        forwarder.ForwardOutput("listening");
        forwarder.ForwardError("oops");
        forwarder.ForwardOutput("");

        Assert.Equal("[worker 3] listening\n[worker 3] \n", output.ToString());
        Assert.Equal("[worker 3] oops\n", error.ToString());
    }
}
