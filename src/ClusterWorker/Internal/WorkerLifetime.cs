using System.Runtime.InteropServices;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ClusterHost.Worker.Internal;

/// <summary>
/// Replaces the console lifetime under the primary. SIGTERM and SIGQUIT stop the worker
/// gracefully (the primary then restarts it, as PM2 does). SIGINT is ignored: Ctrl+C in a
/// terminal reaches the whole process group, and the primary drains its workers itself.
/// </summary>
internal sealed partial class WorkerLifetime(IHostApplicationLifetime lifetime, ILogger<WorkerLifetime> logger) : IHostLifetime, IDisposable
{
    private readonly List<PosixSignalRegistration> _registrations = [];

    public Task WaitForStartAsync(CancellationToken cancellationToken)
    {
        _registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGINT, context =>
        {
            context.Cancel = true;
            Log.SigintIgnored(logger);
        }));
        _registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop));
        _registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGQUIT, Stop));
        return Task.CompletedTask;
    }

    private void Stop(PosixSignalContext context)
    {
        context.Cancel = true;
        Log.StoppingOnSignal(logger, context.Signal);
        lifetime.StopApplication();
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }
    }
}
