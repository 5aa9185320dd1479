using System.Net.Sockets;
using Yarp.ReverseProxy.Forwarder;

namespace ClusterHost.Primary.Balancing.Proxy;

/// <summary>How the proxy reads YARP's <see cref="IForwarderErrorFeature"/>.</summary>
internal static class ProxyFailures
{
    public static ProxyFailure Classify(IForwarderErrorFeature? error, bool responseStarted) => error switch
    {
        null => ProxyFailure.None,
        { Error: ForwarderError.RequestCanceled or ForwarderError.RequestBodyCanceled or ForwarderError.ResponseBodyCanceled
            or ForwarderError.UpgradeRequestCanceled or ForwarderError.UpgradeResponseCanceled } => ProxyFailure.None,
        { Error: ForwarderError.RequestBodyClient or ForwarderError.ResponseBodyClient or ForwarderError.UpgradeRequestClient
            or ForwarderError.UpgradeResponseClient } => ProxyFailure.None,
        _ when responseStarted => ProxyFailure.ResponseAborted,
        { Error: ForwarderError.NoAvailableDestinations } => ProxyFailure.NoWorker,
        { Error: ForwarderError.RequestTimedOut } => ProxyFailure.Timeout,
        { Error: ForwarderError.Request, Exception: HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError } } => ProxyFailure.Refused,
        { Error: ForwarderError.Request or ForwarderError.RequestBodyDestination } when IsConnectionLost(error.Exception) => ProxyFailure.WorkerDied,
        _ => ProxyFailure.Other,
    };

    /// <summary>
    /// True when no connection to the worker could be made (refused: the worker is gone or not
    /// listening). Nothing of the request reached the worker, so it can go to another one.
    /// </summary>
    public static bool IsConnectFailure(IForwarderErrorFeature? error) =>
        error is { Error: ForwarderError.Request, Exception: HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError } };

    // The connection ended or was reset under the request: the worker's process is gone, or going.
    private static bool IsConnectionLost(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case HttpRequestException { HttpRequestError: HttpRequestError.ResponseEnded }:
                case SocketException { SocketErrorCode: SocketError.ConnectionReset or SocketError.ConnectionAborted or SocketError.Shutdown }:
                    return true;
                case IOException when e.InnerException is null:
                    return true;
            }
        }
        return false;
    }

    /// <summary>The label value: <c>refused</c>, <c>worker-died</c>, <c>timeout</c>, <c>no-worker</c>, <c>response-aborted</c>, <c>other</c>.</summary>
    public static string Label(ProxyFailure failure) => failure switch
    {
        ProxyFailure.Refused => "refused",
        ProxyFailure.WorkerDied => "worker-died",
        ProxyFailure.Timeout => "timeout",
        ProxyFailure.NoWorker => "no-worker",
        ProxyFailure.ResponseAborted => "response-aborted",
        _ => "other",
    };
}
