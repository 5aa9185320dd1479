namespace ClusterHost.Primary.Supervision;

/// <summary>Starts worker processes; a seam so supervision logic is testable without processes.</summary>
internal interface IWorkerLauncher
{
    /// <exception cref="Exception">The process could not be started.</exception>
    IWorkerProcess Launch(WorkerInstance instance);
}
