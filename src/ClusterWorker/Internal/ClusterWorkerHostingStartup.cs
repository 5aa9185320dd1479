using Microsoft.AspNetCore.Hosting;

namespace ClusterHost.Worker.Internal;

/// <summary>
/// The worker behaviour for an app that never referenced ClusterHost: the primary's startup hook
/// names this assembly in <c>ASPNETCORE_HOSTINGSTARTUPASSEMBLIES</c>, and ASP.NET Core runs this
/// while the app's web host builder is created.
/// </summary>
internal sealed class ClusterWorkerHostingStartup : IHostingStartup
{
    public void Configure(IWebHostBuilder builder) => ClusterWorkerConfiguration.Apply(builder);
}
