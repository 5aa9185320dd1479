using Yarp.ReverseProxy.Forwarder;

namespace ClusterHost.Primary.Balancing.Proxy;

/// <summary>How the proxy reads YARP's <see cref="IForwarderErrorFeature"/>.</summary>
internal static class ForwarderErrors
{
    /// <summary>
    /// True when no connection to the worker could be made (refused: the worker is gone or not
    /// listening). Nothing of the request reached the worker, so it can go to another one.
    /// </summary>
    public static bool IsConnectFailure(IForwarderErrorFeature? error) =>
        error is { Error: ForwarderError.Request, Exception: HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError } };
}
