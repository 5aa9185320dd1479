namespace ClusterHost.Primary.Configuration;

/// <summary>Which garbage-collector settings the workers get (<c>--worker-gc</c>).</summary>
internal enum WorkerGcMode
{
    /// <summary>
    /// ClusterHost's settings for the worker count (<see cref="Supervision.WorkerGcSettings"/>), unless
    /// the app set a GC setting of its own, in its runtimeconfig.json or in the environment.
    /// </summary>
    Auto,

    /// <summary>The .NET runtime's defaults (for an ASP.NET Core app: server GC with DATAS); nothing added.</summary>
    Runtime,
}
