using Microsoft.Extensions.Hosting;

namespace ClusterHost.Primary.Balancing.Proxy;

/// <summary>
/// The proxy front's lifetime: none of its own. The primary's host owns the signals and stops the
/// front itself, at the right moment of the shutdown sequence (before the workers drain).
/// </summary>
internal sealed class FrontHostLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
