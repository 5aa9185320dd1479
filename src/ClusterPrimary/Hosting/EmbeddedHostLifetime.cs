using Microsoft.Extensions.Hosting;

namespace ClusterHost.Primary.Hosting;

/// <summary>
/// The lifetime of a web application embedded in the primary (the proxy server, the metrics
/// server): none of its own. The primary's host owns the signals and stops each embedded server
/// itself, at its moment of the shutdown sequence (<see cref="ClusterLifecycle"/>).
/// </summary>
internal sealed class EmbeddedHostLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
