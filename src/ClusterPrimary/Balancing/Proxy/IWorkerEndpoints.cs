using System.Net;
using ClusterHost.Primary.Supervision;

namespace ClusterHost.Primary.Balancing.Proxy;

/// <summary>The private endpoints the workers listen on in proxy mode, one transport per implementation.</summary>
internal interface IWorkerEndpoints : IDisposable
{
    /// <summary>Where the workers listen, for the log (e.g. "unix sockets in /run/user/1000/clusterhost-42-…").</summary>
    string Description { get; }

    /// <summary>
    /// Chooses where this launch listens and puts it in the worker's <paramref name="environment"/>.
    /// During a replacement the old and the new launch of a slot listen at the same time.
    /// </summary>
    WorkerDestination Assign(WorkerInstance instance, IDictionary<string, string?> environment);

    /// <summary>The launch will receive no more connections: clean up what it left (a socket file).</summary>
    void Release(WorkerDestination destination);

    /// <summary>True when YARP must connect through <see cref="Resolve"/> rather than by host and port.</summary>
    bool NeedsConnectCallback { get; }

    /// <summary>The socket behind a destination host name this instance assigned; null for any other name.</summary>
    EndPoint? Resolve(string host);

    /// <summary>
    /// The address of the same launch's HTTP/2 (prior knowledge) listener, for a destination
    /// address this instance assigned; null for any other.
    /// </summary>
    string? Http2Address(string destinationAddress);
}
