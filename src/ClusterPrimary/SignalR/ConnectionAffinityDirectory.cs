using System.Globalization;
using ClusterHost.Control;
using ClusterHost.Primary.Balancing.Proxy;
using ClusterHost.Primary.Supervision;
using ClusterHost.SignalR;
using Microsoft.Extensions.Logging;

namespace ClusterHost.Primary.SignalR;

/// <summary>
/// SignalR connection-token affinity, the primary's part: a private directory (mode 0700,
/// <see cref="WorkerRuntimeDirectory"/>) where every launch listens on its own socket
/// (<see cref="AffinitySockets"/>), and the variables that tell each launch its generation and that
/// directory. The workers do the rest (tag their tokens, forward requests for other launches'
/// tokens), in every balancing mode; the proxy front also routes tagged requests to their owner
/// (<see cref="ConnectionTokenPinning"/>).
/// </summary>
internal sealed class ConnectionAffinityDirectory(ILogger<ConnectionAffinityDirectory> logger) : IDisposable
{
    private readonly Lock _gate = new();
    private WorkerRuntimeDirectory? _directory;

    /// <summary>Adds the launch's generation and the affinity directory (created at the first launch) to its environment.</summary>
    /// <exception cref="ClusterStartupException">The directory cannot be created.</exception>
    public void ConfigureWorker(WorkerInstance instance, IDictionary<string, string?> environment)
    {
        environment[WorkerEnvironmentVariables.Generation] = instance.Generation.ToString(CultureInfo.InvariantCulture);
        environment[WorkerEnvironmentVariables.AffinityDirectory] = EnsureCreated().Path;
    }

    private WorkerRuntimeDirectory EnsureCreated()
    {
        lock (_gate)
        {
            if (_directory is null)
            {
                _directory = WorkerRuntimeDirectory.Create(
                    WorkerRuntimeDirectory.DefaultBase(), Environment.ProcessId, WorkerRuntimeDirectory.IsProcessAlive, AffinitySockets.LongestName);
                Log.AffinityDirectoryCreated(logger, _directory.Path);
            }
            return _directory;
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _directory?.Dispose();
        }
    }
}
