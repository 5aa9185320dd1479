using ClusterHost.Control;
using ClusterHost.Worker.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ClusterHost.Worker.Internal;

/// <summary>
/// Runs ahead of the app's own pipeline (the app builds that itself, so a startup filter is the
/// one place ClusterWorker can reach): answers <see cref="WorkerHealthEndpoint.Path"/> and, behind
/// the primary's proxy, applies the proxy's <c>X-Forwarded-For/-Proto/-Host</c> so the app sees
/// the client's address, scheme and host; marks the requests the app's prometheus-net route may
/// answer (<see cref="AppMetricsRoute"/>).
/// </summary>
/// <remarks>
/// Registered first, so it wraps every other startup filter: the health probe is not subject to the
/// app's host filtering, and the app's whole pipeline sees the forwarded values.
/// </remarks>
internal sealed class ClusterWorkerStartupFilter(
    WorkerEnvironment environment,
    IHostApplicationLifetime lifetime,
    AppAddressOverrides overrides,
    ConnectionTracker connections,
    ILogger<ClusterWorkerStartupFilter> logger,
    AppMetricsRoute? appMetrics = null) : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        OverrideAppAddresses(app.ServerFeatures);
        app.Use(connections.InvokeAsync);
        app.Use(AnswerHealthProbe);
        if (WorkerListenModes.IsBehindProxy(environment.ListenMode))
        {
            app.UseForwardedHeaders(ProxyForwardedHeaders());
        }
        if (appMetrics is not null)
        {
            app.Use(appMetrics.InvokeAsync);
        }
        next(app);
    };

    /// <summary>
    /// Empties the server's address list (the app's <c>urls</c>, <c>ASPNETCORE_URLS</c>,
    /// <c>ASPNETCORE_HTTP_PORTS</c>, <c>UseUrls</c>): the host fills it just before it builds the
    /// pipeline, and Kestrel would otherwise bind it instead of, or warn beside, the endpoints the
    /// primary gave. Worker 0 says once for the cluster what was overridden.
    /// </summary>
    private void OverrideAppAddresses(IFeatureCollection serverFeatures)
    {
        if (serverFeatures.Get<IServerAddressesFeature>() is { Addresses: { IsReadOnly: false } addresses })
        {
            foreach (var address in addresses)
            {
                overrides.AddUrl(address);
            }
            addresses.Clear();
        }
        if (environment.WorkerId == 0 && overrides.Describe() is { } overridden)
        {
            Log.AppAddressesOverridden(logger, environment.WorkerId, overridden);
        }
    }

    private Task AnswerHealthProbe(HttpContext context, RequestDelegate next)
    {
        if (!context.Request.Path.Equals(WorkerHealthEndpoint.Path, StringComparison.OrdinalIgnoreCase))
        {
            return next(context);
        }
#if NET9_0_OR_GREATER
        // The primary's probe is not traffic: keep it out of the app's http.server.* metrics.
        if (context.Features.Get<IHttpMetricsTagsFeature>() is { } metrics)
        {
            metrics.MetricsDisabled = true;
        }
#endif
        var stopping = lifetime.ApplicationStopping.IsCancellationRequested;
        context.Response.StatusCode = stopping ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK;
        context.Response.ContentType = "text/plain";
        context.Response.Headers.CacheControl = "no-store";
        return context.Response.WriteAsync(stopping ? "Stopping" : "Healthy", context.RequestAborted);
    }

    internal static ForwardedHeadersOptions ProxyForwardedHeaders()
    {
        var options = new ForwardedHeadersOptions
        {
            ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost,
            // One hop: the primary's proxy, which replaces whatever X-Forwarded-* the client sent.
            ForwardLimit = 1,
        };
        // The proxy is the only peer: a Unix socket in the primary's private directory, or a
        // loopback port. Over a Unix socket there is no peer IP to match against a known proxy.
#if NET10_0_OR_GREATER
        options.KnownIPNetworks.Clear();
#else
        options.KnownNetworks.Clear();
#endif
        options.KnownProxies.Clear();
        return options;
    }
}
