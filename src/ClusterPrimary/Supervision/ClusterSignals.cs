using System.Runtime.InteropServices;
using ClusterHost.Primary.Balancing;
using ClusterHost.Primary.Hosting;

namespace ClusterHost.Primary.Supervision;

/// <summary>
/// The operator's signals: SIGHUP reloads (<see cref="ReloadQueue"/>), SIGTTIN adds a worker and
/// SIGTTOU removes one (<see cref="SlotSupervisor"/>). SIGTERM and SIGINT belong to the host.
/// </summary>
internal sealed class ClusterSignals(ReloadQueue reloads, SlotSupervisor supervisor, BackgroundTasks tasks, ServerCertificate certificate) : IDisposable
{
    private readonly List<PosixSignalRegistration> _registrations = [];

    public void Register()
    {
        // Each handler cancels the default action: SIGHUP would terminate the process, and
        // SIGTTIN/SIGTTOU would stop it.
        _registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
        {
            context.Cancel = true;
            // Replaced certificate files are read first: new handshakes at the front get the new
            // certificate, and a certificate new workers could not load stops the reload.
            if (certificate.TryReload())
            {
                reloads.Request();
            }
        }));
        _registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGTTIN, context =>
        {
            context.Cancel = true;
            tasks.Run("scaling up", supervisor.ScaleUpAsync);
        }));
        _registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGTTOU, context =>
        {
            context.Cancel = true;
            tasks.Run("scaling down", supervisor.ScaleDownAsync);
        }));
    }

    /// <summary>Restores the default actions.</summary>
    public void Dispose()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }
        _registrations.Clear();
    }
}
