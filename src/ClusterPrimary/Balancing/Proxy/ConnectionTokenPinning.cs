using ClusterHost.Primary.Supervision;
using ClusterHost.SignalR;
using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.Model;

namespace ClusterHost.Primary.Balancing.Proxy;

/// <summary>
/// Proxy pipeline step before load balancing: a request whose <c>id=</c> carries a SignalR
/// connection token tagged by a worker (<see cref="ConnectionTokenTag"/>) goes to the launch that
/// issued it, when that launch is in rotation. When it is not (draining, gone), balancing goes on
/// as usual and the chosen worker forwards the request to the owner's private socket, or answers
/// 404 if the owner is gone, as SignalR does; the client then negotiates again.
/// </summary>
internal sealed class ConnectionTokenPinning(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (ConnectionTokenTag.TryFind(context.Request.QueryString.Value, out var owner, out _, out _))
        {
            var proxy = context.GetReverseProxyFeature();
            var id = WorkerDestination.IdOf(new WorkerInstance(owner.WorkerId, owner.Generation));
            foreach (var destination in proxy.AvailableDestinations)
            {
                if (destination.DestinationId == id)
                {
                    proxy.AvailableDestinations = [destination];
                    break;
                }
            }
        }
        return next(context);
    }
}
