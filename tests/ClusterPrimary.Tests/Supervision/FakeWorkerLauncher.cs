using ClusterHost.Primary.Supervision;

namespace ClusterHost.Primary.Tests.Supervision;

/// <summary>Launches <see cref="FakeWorkerProcess"/>es and records when, in virtual time since the launcher was made.</summary>
internal sealed class FakeWorkerLauncher(TimeProvider time) : IWorkerLauncher
{
    private readonly long _origin = time.GetTimestamp();
    private readonly List<(TimeSpan At, FakeWorkerProcess Process)> _launches = [];

    /// <summary>Throws instead of launching while set (a missing runtime, a bad path).</summary>
    public bool Fail { get; set; }

    public IReadOnlyList<(TimeSpan At, FakeWorkerProcess Process)> Launches
    {
        get
        {
            lock (_launches)
            {
                return [.. _launches];
            }
        }
    }

    public IWorkerProcess Launch(WorkerInstance instance)
    {
        if (Fail)
        {
            throw new InvalidOperationException("launch failed on purpose");
        }
        lock (_launches)
        {
            var process = new FakeWorkerProcess(instance, 1000 + _launches.Count);
            _launches.Add((time.GetElapsedTime(_origin), process));
            return process;
        }
    }
}
