using ClusterHost.Worker.Internal;
using Microsoft.AspNetCore.Hosting;

[assembly: HostingStartup(typeof(ClusterWorkerHostingStartup))]
