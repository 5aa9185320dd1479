using ClusterHost.Primary.Supervision;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Model;

namespace ClusterHost.Primary.Balancing.Proxy;

/// <summary>
/// First step of the proxy pipeline, ahead of load balancing: sends a request again to another
/// worker when its worker failed before any byte of the response reached the client, the way
/// nginx's <c>proxy_next_upstream error</c> does, without its cascades; answers what cannot be
/// retried with a short problem+json body, and counts both by cause.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>Refused connection (the worker is gone or stopped listening): nothing of the request was
/// sent, so any request goes to another worker, up to <see cref="MaxRefusedRetries"/> times.</item>
/// <item>The connection closed or reset under the request (the worker died with it in flight):
/// sent once more (<see cref="MaxWorkerDiedRetries"/>) when the method is idempotent (GET, HEAD,
/// OPTIONS, TRACE, PUT, DELETE) and the body is empty or was buffered whole (up to
/// <see cref="MaxReplayBodyBytes"/>), and only when the worker was killed by a signal from outside
/// (<see cref="WorkerExits.WasKilled"/>). A worker that crashed may have been crashed by this very
/// request: it is not sent to a second worker (no poison cascade). POST and PATCH are never
/// sent again.</item>
/// </list>
/// </remarks>
internal sealed class WorkerRetryMiddleware(
    RequestDelegate next, WorkerExits exits, ProxyMetrics metrics, TimeProvider time, ILogger<WorkerRetryMiddleware> logger)
{
    /// <summary>Further workers tried after refused connections. 2.</summary>
    internal const int MaxRefusedRetries = 2;

    /// <summary>Further workers tried after the worker died under the request. 1.</summary>
    internal const int MaxWorkerDiedRetries = 1;

    /// <summary>The largest request body buffered so that an idempotent request can be sent again: 64 KiB.</summary>
    internal const int MaxReplayBodyBytes = 64 * 1024;

    /// <summary>How long to wait for the supervisor to see a failed worker's exit (and how it ended): 2 s.</summary>
    internal static readonly TimeSpan ExitWait = TimeSpan.FromSeconds(2);

    public async Task InvokeAsync(HttpContext context)
    {
        var proxy = context.GetReverseProxyFeature();
        var candidates = proxy.AvailableDestinations;
        var replayable = PrepareReplay(context.Request);
        var refusedRetries = 0;
        var diedRetries = 0;
        var tried = new HashSet<DestinationState>();
        while (true)
        {
            await next(context).ConfigureAwait(false);

            var error = context.GetForwarderErrorFeature();
            var cause = ProxyFailures.Classify(error, context.Response.HasStarted);
            if (cause == ProxyFailure.None)
            {
                return;
            }
            var failed = proxy.ProxiedDestination;
            var notRetried = cause switch
            {
                ProxyFailure.Refused when refusedRetries == MaxRefusedRetries => $"{1 + refusedRetries} workers refused it",
                ProxyFailure.Refused => await WhyNotRetryRefusedAsync(context, failed).ConfigureAwait(false),
                ProxyFailure.WorkerDied => await WhyNotRetryAsync(context, replayable, diedRetries, failed).ConfigureAwait(false),
                _ => "",
            };
            if (notRetried is null && failed is not null)
            {
                tried.Add(failed);
                candidates = await OtherWorkersAsync(context, proxy, tried).ConfigureAwait(false);
                if (candidates.Count == 0)
                {
                    notRetried = "no other worker is available";
                }
            }
            if (notRetried is not null || failed is null)
            {
                metrics.Error(cause);
                if (cause != ProxyFailure.ResponseAborted)
                {
                    await ProxyProblemWriter.WriteAsync(context, cause, Detail(cause, error!, failed, notRetried)).ConfigureAwait(false);
                }
                return;
            }

            if (cause == ProxyFailure.Refused)
            {
                refusedRetries++;
            }
            else
            {
                diedRetries++;
                if (context.Request.Body.CanSeek)
                {
                    context.Request.Body.Position = 0; // buffered by PrepareReplay
                }
            }
            metrics.Retry(cause);
            Log.RetryingRequest(logger, context.Request.Method, context.Request.Path, failed!.DestinationId, ProxyFailures.Label(cause));
            context.Features.Set<IForwarderErrorFeature>(null);
            context.Response.Clear();
            proxy.AvailableDestinations = candidates;
            proxy.ProxiedDestination = null;
        }
    }

    /// <summary>How long a retry may wait for another worker to be in rotation (a replacement joining): 2 s.</summary>
    internal static readonly TimeSpan OtherWorkerWait = TimeSpan.FromSeconds(2);

    // The workers in rotation now (not as of the request's start: a replacement may have joined
    // since), less those tried; waits a little for one to join when there is none.
    private async Task<IReadOnlyList<DestinationState>> OtherWorkersAsync(HttpContext context, IReverseProxyFeature proxy, HashSet<DestinationState> tried)
    {
        var started = time.GetTimestamp();
        while (true)
        {
            var current = proxy.Route?.Cluster?.DestinationsState.AvailableDestinations ?? proxy.AvailableDestinations;
            IReadOnlyList<DestinationState> others = [.. current.Where(d => !tried.Contains(d))];
            if (others.Count > 0 || time.GetElapsedTime(started) >= OtherWorkerWait || context.RequestAborted.IsCancellationRequested)
            {
                return others;
            }
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(50), time, context.RequestAborted).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return others;
            }
        }
    }

    // Null when the request may go to another worker; else why not.
    private async Task<string?> WhyNotRetryAsync(HttpContext context, bool replayable, int diedRetries, DestinationState? failed)
    {
        if (!IsIdempotent(context.Request.Method))
        {
            return $"{context.Request.Method} is not idempotent";
        }
        if (!replayable)
        {
            return "its body was not buffered";
        }
        if (diedRetries == MaxWorkerDiedRetries)
        {
            return "it was already sent again once";
        }
        if (failed is null || !WorkerDestination.TryParseId(failed.DestinationId, out var instance))
        {
            return "its worker is unknown";
        }
        var exitCode = await exits.WaitForExitAsync(instance, ExitWait, context.RequestAborted).ConfigureAwait(false);
        return exitCode switch
        {
            null => "its worker did not exit",
            { } code when WorkerExits.WasKilled(code) => null,
            { } code => $"its worker crashed ({Supervision.ExitDescription.Describe(code)}) while serving it, and it may be the cause",
        };
    }

    /// <summary>How long a refused connection waits to learn whether its worker is dying by a crash: 0.5 s.</summary>
    internal static readonly TimeSpan RefusedExitWait = TimeSpan.FromMilliseconds(500);

    // A refusal is normally safe to send elsewhere: no byte reached a worker. But SocketsHttpHandler
    // resends on a new connection when a pooled one breaks before any response, so "refused" can be
    // the second attempt of a request that a worker already received and died of (its listener closes
    // with it). A worker that crashed (not killed) just then may have been crashed by this request.
    private async Task<string?> WhyNotRetryRefusedAsync(HttpContext context, DestinationState? failed)
    {
        if (failed is null || !WorkerDestination.TryParseId(failed.DestinationId, out var instance))
        {
            return null;
        }
        var exitCode = await exits.WaitForExitAsync(instance, RefusedExitWait, context.RequestAborted).ConfigureAwait(false);
        return exitCode is { } code && !WorkerExits.WasKilled(code)
            ? $"its worker crashed ({Supervision.ExitDescription.Describe(code)}) as it refused the connection, and the request may be the cause"
            : null;
    }

    /// <summary>Idempotent per RFC 9110: GET, HEAD, OPTIONS, TRACE, PUT, DELETE.</summary>
    internal static bool IsIdempotent(string method) =>
        HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method)
        || HttpMethods.IsTrace(method) || HttpMethods.IsPut(method) || HttpMethods.IsDelete(method);

    // True when the body can be sent twice: none, or small enough to buffer (then buffered).
    private static bool PrepareReplay(HttpRequest request)
    {
        if (!IsIdempotent(request.Method))
        {
            return false;
        }
        var bodyDetection = request.HttpContext.Features.Get<IHttpRequestBodyDetectionFeature>();
        var chunked = request.Headers.ContainsKey(HeaderNames.TransferEncoding);
        if (bodyDetection is { CanHaveBody: false } || request.ContentLength == 0
            || (bodyDetection is null && request.ContentLength is null && !chunked))
        {
            return true;
        }
        if (request.ContentLength is > 0 and <= MaxReplayBodyBytes && !chunked)
        {
            request.EnableBuffering(MaxReplayBodyBytes, MaxReplayBodyBytes);
            return true;
        }
        return false;
    }

    private static string Detail(ProxyFailure cause, IForwarderErrorFeature error, DestinationState? failed, string? notRetried)
    {
        var worker = failed is null ? "the worker" : $"worker {failed.DestinationId}";
        var because = string.IsNullOrEmpty(notRetried) ? "" : $"; not sent to another worker: {notRetried}";
        return cause switch
        {
            ProxyFailure.Refused => $"No worker accepted the connection ({notRetried}).",
            ProxyFailure.WorkerDied => $"The connection to {worker} closed before its response began{because}.",
            ProxyFailure.Timeout => $"{worker} did not answer in time.",
            ProxyFailure.NoWorker => "No worker is available to serve the request.",
            _ => $"The proxy could not forward the request to {worker} ({error.Error}){because}.",
        };
    }
}
