using Yarp.ReverseProxy.Forwarder;

namespace ClusterHost.Primary.Balancing.Proxy;

/// <summary>Why the proxy could not forward a request: the <c>cause</c> label of its metrics and problem answers.</summary>
internal enum ProxyFailure
{
    /// <summary>No failure, or none the proxy answers for (the client went away).</summary>
    None,

    /// <summary>The worker refused the connection: nothing of the request reached it. 502.</summary>
    Refused,

    /// <summary>The worker closed or reset the connection before answering: it died (or was killed) with the request in flight. 502.</summary>
    WorkerDied,

    /// <summary>The worker did not answer in time. 504.</summary>
    Timeout,

    /// <summary>No worker was available (all draining, starting or unhealthy). 503.</summary>
    NoWorker,

    /// <summary>The response had begun when the worker failed: the client's connection was aborted.</summary>
    ResponseAborted,

    /// <summary>Any other forwarding error (YARP's <see cref="ForwarderError"/> says which). 502.</summary>
    Other,
}
