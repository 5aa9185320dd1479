using ClusterHost.Primary.Supervision;

namespace ClusterHost.Primary.Tests.Supervision;

/// <summary>For slots that are only counted, never run: launching one fails the test.</summary>
internal sealed class UnusedWorkerLauncher : IWorkerLauncher
{
    public IWorkerProcess Launch(WorkerInstance instance) => throw new InvalidOperationException("this test runs no worker");
}
