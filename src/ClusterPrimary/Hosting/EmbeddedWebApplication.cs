using Microsoft.AspNetCore.Builder;
using ClusterHost.Primary.Balancing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ClusterHost.Primary.Hosting;

/// <summary>
/// Builds a Kestrel server embedded in the primary (the proxy server, the metrics server). Each
/// keeps a container of its own, so that its meters and middleware are its own, but it logs
/// through the primary's <see cref="ILoggerFactory"/> (logging is configured once, in
/// <see cref="ClusterHostApp"/>), reads the primary's clock, and has no lifetime of its own: the
/// primary's <see cref="ClusterLifecycle"/> starts and stops it.
/// </summary>
internal static class EmbeddedWebApplication
{
    /// <summary>
    /// An empty builder (no appsettings, environment or command line of its own: ASPNETCORE_URLS
    /// must not move these endpoints) with the primary's logging and clock, and Kestrel listening
    /// on <paramref name="endpoints"/>: the sockets the primary bound (<see cref="PublicEndpointBinder"/>),
    /// which Kestrel takes over. <paramref name="configureEndpoint"/>, if given, sets up each
    /// endpoint (TLS, HTTP versions).
    /// </summary>
    public static WebApplicationBuilder CreateBuilder(
        PublicEndpoints endpoints, ILoggerFactory loggerFactory, TimeProvider time, Action<ListenOptions>? configureEndpoint = null)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(EmbeddedWebApplication).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.WebHost.UseKestrelCore();
        builder.WebHost.UseSockets(transport => transport.CreateBoundListenSocket = endpoint =>
            endpoints.Take(endpoint) ?? SocketTransportOptions.CreateDefaultBoundListenSocket(endpoint));
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            foreach (var endpoint in endpoints.Endpoints)
            {
                kestrel.Listen(endpoint, listen => configureEndpoint?.Invoke(listen));
            }
        });
        // An instance: the embedded container uses it and never disposes it.
        builder.Services.Replace(ServiceDescriptor.Singleton(loggerFactory));
        builder.Services.Replace(ServiceDescriptor.Singleton<IHostLifetime, EmbeddedHostLifetime>());
        builder.Services.Replace(ServiceDescriptor.Singleton(time));
        return builder;
    }
}
