namespace SampleApp.Faults;

/// <summary>
/// Never finishes starting: the host waits on it, so Kestrel never listens and the app is never
/// ready (a migration that hangs, a dependency that never answers). Ends only when the host stops.
/// </summary>
internal sealed class StartupHang : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.Delay(Timeout.Infinite, cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
