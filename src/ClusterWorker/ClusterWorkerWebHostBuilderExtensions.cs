using ClusterHost.Worker.Internal;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;

namespace ClusterHost.Worker;

/// <summary>Makes an ASP.NET Core app a ClusterHost worker.</summary>
public static class ClusterWorkerWebHostBuilderExtensions
{
    /// <summary>
    /// Makes the app a worker when a ClusterHost primary started it; changes nothing but the
    /// registration of <see cref="ClusterWorkerInfo"/> when the app runs alone.
    /// </summary>
    /// <remarks>
    /// Under the primary: Kestrel listens where the primary says (its public URLs with
    /// SO_REUSEPORT, or a private socket), replacing the app's own URLs; the primary hears
    /// "ready" only once Kestrel listens; the process drains when the primary asks, ignores
    /// SIGINT (the primary coordinates Ctrl+C), and exits within 5 s when the primary is gone.
    /// The primary injects the same behaviour into apps that do not call this; an app that both
    /// calls it and is injected is configured once.
    /// Its ASP.NET Core, Kestrel and runtime meters are collected and served, labelled with its
    /// worker id, on the primary's <c>/metrics</c>.
    /// Ahead of the app's pipeline it answers the health probe <c>/_clusterhost/health</c> and,
    /// behind the primary's proxy, applies <c>X-Forwarded-For/-Proto/-Host</c>.
    /// </remarks>
    public static WebApplicationBuilder UseClusterWorker(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.WebHost.UseClusterWorker();
        return builder;
    }

    /// <inheritdoc cref="UseClusterWorker(WebApplicationBuilder)"/>
    public static IWebHostBuilder UseClusterWorker(this IWebHostBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);

        ClusterWorkerConfiguration.Apply(builder);
        return builder;
    }
}
