using ClusterHost.Control;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Hosting;

namespace ClusterHost.Worker.Internal;

/// <summary>
/// Runs ahead of the app's own pipeline (the app builds that itself, so a startup filter is the
/// one place ClusterWorker can reach): answers <see cref="WorkerHealthEndpoint.Path"/> and, behind
/// the primary's proxy, applies the proxy's <c>X-Forwarded-For/-Proto/-Host</c> so the app sees
/// the client's address, scheme and host.
/// </summary>
/// <remarks>
/// Registered first, so it wraps every other startup filter: the health probe is not subject to the
/// app's host filtering, and the app's whole pipeline sees the forwarded values.
/// </remarks>
internal sealed class ClusterWorkerStartupFilter(WorkerEnvironment environment, IHostApplicationLifetime lifetime) : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(AnswerHealthProbe);
        if (WorkerListenModes.IsBehindProxy(environment.ListenMode))
        {
            app.UseForwardedHeaders(ProxyForwardedHeaders());
        }
        next(app);
    };

    private Task AnswerHealthProbe(HttpContext context, RequestDelegate next)
    {
        if (!context.Request.Path.Equals(WorkerHealthEndpoint.Path, StringComparison.OrdinalIgnoreCase))
        {
            return next(context);
        }
        var stopping = lifetime.ApplicationStopping.IsCancellationRequested;
        context.Response.StatusCode = stopping ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK;
        context.Response.ContentType = "text/plain";
        context.Response.Headers.CacheControl = "no-store";
        return context.Response.WriteAsync(stopping ? "Stopping" : "Healthy", context.RequestAborted);
    }

    private static ForwardedHeadersOptions ProxyForwardedHeaders()
    {
        var options = new ForwardedHeadersOptions
        {
            ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost,
            // One hop: the primary's proxy, which replaces whatever X-Forwarded-* the client sent.
            ForwardLimit = 1,
        };
        // The proxy is the only peer: a Unix socket in the primary's private directory, or a
        // loopback port. Over a Unix socket there is no peer IP to match against a known proxy.
        options.KnownIPNetworks.Clear();
        options.KnownProxies.Clear();
        return options;
    }
}
