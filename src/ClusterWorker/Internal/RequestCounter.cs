using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;

namespace ClusterHost.Worker.Internal;

/// <summary>
/// Counts the requests this worker serves, for the primary's <c>--max-requests</c> recycling;
/// reported in every heartbeat. Added in front of the app's pipeline by a startup filter.
/// </summary>
internal sealed class RequestCounter : IStartupFilter
{
    private long _count;

    public long Count => Interlocked.Read(ref _count);

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use((context, nextMiddleware) =>
        {
            Interlocked.Increment(ref _count);
            return nextMiddleware(context);
        });
        next(app);
    };
}
