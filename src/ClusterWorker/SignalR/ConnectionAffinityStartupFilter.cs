using ClusterHost.Control;
using ClusterHost.Worker.Internal;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;

namespace ClusterHost.Worker.SignalR;

/// <summary>
/// Puts <see cref="ConnectionAffinity"/> ahead of the app's pipeline, just inside
/// <see cref="ClusterWorkerStartupFilter"/> (health probe, the proxy's forwarded headers). A request
/// another worker forwarded carries the client's address and scheme in
/// <c>X-Forwarded-For/-Proto</c>, applied here for connections on the affinity socket (behind the
/// proxy they are applied for every connection already).
/// </summary>
internal sealed class ConnectionAffinityStartupFilter(ConnectionAffinity affinity, WorkerEnvironment environment) : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        if (!WorkerListenModes.IsBehindProxy(environment.ListenMode))
        {
            app.UseWhen(
                context => context.Features.Get<ForwardedConnectionFeature>() is not null,
                forwarded => forwarded.UseForwardedHeaders(ClusterWorkerStartupFilter.ProxyForwardedHeaders()));
        }
        app.Use(affinity.InvokeAsync);
        next(app);
    };
}
