using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Model;

namespace ClusterHost.Primary.Balancing.Proxy;

/// <summary>
/// First step of the proxy pipeline, ahead of load balancing: when the chosen worker refuses the
/// connection (it died, or stopped listening, before the supervisor took it out of rotation), the
/// request is balanced again over the other workers. Safe for any request: a refused connection
/// means nothing of it was sent, and nothing of the response was written.
/// </summary>
internal sealed class ConnectRetryMiddleware(RequestDelegate next, ILogger<ConnectRetryMiddleware> logger)
{
    /// <summary>Further workers tried after the first refuses. 2.</summary>
    internal const int MaxRetries = 2;

    public async Task InvokeAsync(HttpContext context)
    {
        var proxy = context.GetReverseProxyFeature();
        var candidates = proxy.AvailableDestinations;
        for (var attempt = 0; ; attempt++)
        {
            await next(context).ConfigureAwait(false);

            var refused = proxy.ProxiedDestination;
            if (attempt == MaxRetries || refused is null || context.Response.HasStarted
                || !ForwarderErrors.IsConnectFailure(context.GetForwarderErrorFeature()))
            {
                return;
            }
            candidates = [.. candidates.Where(d => d != refused)];
            if (candidates.Count == 0)
            {
                return;
            }
            Log.RetryingRequest(logger, context.Request.Method, context.Request.Path, refused.DestinationId);
            context.Features.Set<IForwarderErrorFeature>(null);
            context.Response.Clear();
            proxy.AvailableDestinations = candidates;
            proxy.ProxiedDestination = null;
        }
    }
}
