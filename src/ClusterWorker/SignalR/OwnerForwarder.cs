using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using ClusterHost.SignalR;
using ClusterHost.Worker.Internal;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace ClusterHost.Worker.SignalR;

/// <summary>
/// Sends a request for a SignalR connection another launch owns to that launch's private socket
/// (<see cref="AffinitySockets"/>) and relays the answer as it comes: a long poll waits, a
/// Server-Sent Events stream is passed on chunk by chunk, a WebSocket upgrade becomes a byte pump
/// both ways. An owner that is gone is answered 404, as SignalR answers a token it does not know,
/// and the client negotiates again.
/// </summary>
/// <remarks>
/// Plain <see cref="SocketsHttpHandler"/> rather than YARP's <c>IHttpForwarder</c>: this assembly is
/// loaded into the app's own load context, where a YARP of our choosing would clash with an app
/// that ships its own (another version, one assembly name), and the few SignalR request shapes
/// need none of YARP's routing.
/// </remarks>
internal sealed class OwnerForwarder : IDisposable
{
    private const int CopyBufferSize = 16 * 1024;

    // Hop-by-hop headers (RFC 9110 7.6.1), and the ones this forwarder sets itself.
    private static readonly HashSet<string> NotForwarded = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Proxy-Connection", "TE", "Trailer", "Transfer-Encoding", "Upgrade",
        "Proxy-Authenticate", "Proxy-Authorization", "Host", "X-Forwarded-For", "X-Forwarded-Proto",
    };

    private readonly string _directory;
    private readonly AffinityMetrics _metrics;
    private readonly ILogger _logger;
    private readonly HttpMessageInvoker _client;

    public OwnerForwarder(string directory, AffinityMetrics metrics, ILogger<OwnerForwarder> logger)
    {
        _directory = directory;
        _metrics = metrics;
        _logger = logger;
        _client = new HttpMessageInvoker(new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            // The client's own trace headers go through as they came.
            ActivityHeadersPropagator = null,
            ConnectTimeout = TimeSpan.FromSeconds(5),
            ConnectCallback = ConnectAsync,
        });
    }

    /// <summary>Forwards the request to the launch <paramref name="owner"/> and relays its answer.</summary>
    public async Task ForwardAsync(HttpContext context, ConnectionTokenTag owner)
    {
        var kind = KindOf(context);
        var aborted = context.RequestAborted;
        using var request = CreateRequest(context, owner, kind);
        HttpResponseMessage response;
        try
        {
            response = await _client.SendAsync(request, aborted).ConfigureAwait(false);
        }
        catch (HttpRequestException e) when (e.HttpRequestError == HttpRequestError.ConnectionError && !aborted.IsCancellationRequested)
        {
            // No socket (the launch exited and the primary removed it) or nobody listening (killed).
            _metrics.Forwarded(kind, AffinityMetrics.OwnerGone);
            Log.OwnerGone(_logger, owner.WorkerId, owner.Generation, kind);
            await WriteUnknownConnectionAsync(context).ConfigureAwait(false);
            return;
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
        {
            if (aborted.IsCancellationRequested)
            {
                _metrics.Forwarded(kind, AffinityMetrics.Done); // the client left first
                return;
            }
            _metrics.Forwarded(kind, AffinityMetrics.Failed);
            Log.ForwardFailed(_logger, owner.WorkerId, owner.Generation, kind, e);
            if (!context.Response.HasStarted)
            {
                context.Response.StatusCode = StatusCodes.Status502BadGateway;
            }
            return;
        }

        using (response)
        {
            _metrics.Forwarded(kind, AffinityMetrics.Done);
            try
            {
                if (response.StatusCode == HttpStatusCode.SwitchingProtocols && kind == AffinityMetrics.WebSockets)
                {
                    await RelayUpgradeAsync(context, response).ConfigureAwait(false);
                }
                else
                {
                    await RelayResponseAsync(context, response, aborted).ConfigureAwait(false);
                }
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or HttpRequestException)
            {
                // One side went away mid-stream: end the other too, as a direct connection would.
                context.Abort();
            }
        }
    }

    private static HttpRequestMessage CreateRequest(HttpContext context, ConnectionTokenTag owner, string kind)
    {
        var source = context.Request;
        var extendedConnect = context.Features.Get<IHttpExtendedConnectFeature>() is { IsExtendedConnect: true };
        var target = UriHelper.BuildRelative(source.PathBase, source.Path, source.QueryString);
        var request = new HttpRequestMessage(
            extendedConnect ? HttpMethod.Get : new HttpMethod(source.Method),
            new Uri($"http://{AffinitySockets.NameOf(owner)}{target}"))
        {
            Version = HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        if (context.Features.Get<IHttpRequestBodyDetectionFeature>() is { CanHaveBody: true } && !extendedConnect && kind != AffinityMetrics.WebSockets)
        {
            request.Content = new StreamContent(source.Body, CopyBufferSize);
        }
        foreach (var (name, values) in source.Headers)
        {
            if (name.StartsWith(':') || NotForwarded.Contains(name))
            {
                continue;
            }
            if (!request.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values))
            {
                request.Content?.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
            }
        }
        if (source.Host.HasValue)
        {
            request.Headers.Host = source.Host.Value;
        }
        if (context.Connection.RemoteIpAddress is { } client)
        {
            request.Headers.TryAddWithoutValidation("X-Forwarded-For", client.ToString());
        }
        request.Headers.TryAddWithoutValidation("X-Forwarded-Proto", source.Scheme);
        if (kind == AffinityMetrics.WebSockets)
        {
            request.Headers.TryAddWithoutValidation("Connection", "Upgrade");
            request.Headers.TryAddWithoutValidation("Upgrade", "websocket");
            if (extendedConnect)
            {
                // An HTTP/2 WebSocket (RFC 8441) goes on as an HTTP/1.1 upgrade, which needs a key.
                request.Headers.TryAddWithoutValidation("Sec-WebSocket-Key", Convert.ToBase64String(RandomNumberGenerator.GetBytes(16)));
                request.Headers.Remove("Sec-WebSocket-Version");
                request.Headers.TryAddWithoutValidation("Sec-WebSocket-Version", "13");
            }
        }
        return request;
    }

    private static async Task RelayResponseAsync(HttpContext context, HttpResponseMessage response, CancellationToken aborted)
    {
        context.Response.StatusCode = (int)response.StatusCode;
        CopyResponseHeaders(context, response);
        // Server-Sent Events and long polls must reach the client as they are written.
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        await using var body = await response.Content.ReadAsStreamAsync(aborted).ConfigureAwait(false);
        var buffer = new byte[CopyBufferSize];
        int read;
        while ((read = await body.ReadAsync(buffer, aborted).ConfigureAwait(false)) > 0)
        {
            await context.Response.Body.WriteAsync(buffer.AsMemory(0, read), aborted).ConfigureAwait(false);
            await context.Response.Body.FlushAsync(aborted).ConfigureAwait(false);
        }
    }

    private static async Task RelayUpgradeAsync(HttpContext context, HttpResponseMessage response)
    {
        Stream client;
        if (context.Features.Get<IHttpExtendedConnectFeature>() is { IsExtendedConnect: true } extendedConnect)
        {
            CopyWebSocketNegotiation(context, response);
            client = await extendedConnect.AcceptAsync().ConfigureAwait(false);
        }
        else
        {
            context.Response.StatusCode = StatusCodes.Status101SwitchingProtocols;
            CopyResponseHeaders(context, response);
            context.Response.Headers.Upgrade = "websocket";
            client = await context.Features.Get<IHttpUpgradeFeature>()!.UpgradeAsync().ConfigureAwait(false);
        }
        await using (client.ConfigureAwait(false))
        await using (var owner = await response.Content.ReadAsStreamAsync().ConfigureAwait(false))
        {
            using var done = new CancellationTokenSource();
            var up = PumpAsync(client, owner, done.Token);
            var down = PumpAsync(owner, client, done.Token);
            // Either side closing ends the tunnel; the WebSocket close handshake has passed through by then.
            await Task.WhenAny(up, down).ConfigureAwait(false);
            await done.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(up, down).ConfigureAwait(false);
        }
    }

    private static async Task PumpAsync(Stream from, Stream to, CancellationToken cancellationToken)
    {
        var buffer = new byte[CopyBufferSize];
        try
        {
            int read;
            while ((read = await from.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                await to.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                await to.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException)
        {
            // The other direction ended the tunnel, or this side reset.
        }
    }

    private static void CopyResponseHeaders(HttpContext context, HttpResponseMessage response)
    {
        var headers = context.Response.Headers;
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
        {
            if (!NotForwarded.Contains(name))
            {
                headers[name] = values.ToArray();
            }
        }
    }

    // The 200 of an HTTP/2 WebSocket carries the negotiated subprotocol and extensions, not the HTTP/1.1 accept key.
    private static void CopyWebSocketNegotiation(HttpContext context, HttpResponseMessage response)
    {
        foreach (var name in (string[])["Sec-WebSocket-Protocol", "Sec-WebSocket-Extensions"])
        {
            if (response.Headers.TryGetValues(name, out var values))
            {
                context.Response.Headers[name] = values.ToArray();
            }
        }
    }

    private static Task WriteUnknownConnectionAsync(HttpContext context)
    {
        if (context.Response.HasStarted)
        {
            context.Abort();
            return Task.CompletedTask;
        }
        // What SignalR itself answers for a token it does not know: the client starts over.
        context.Response.StatusCode = StatusCodes.Status404NotFound;
        context.Response.ContentType = "text/plain";
        return context.Response.WriteAsync("No Connection with that ID", context.RequestAborted);
    }

    /// <summary>What kind of SignalR request this is, for the metric.</summary>
    internal static string KindOf(HttpContext context)
    {
        if (context.Features.Get<IHttpExtendedConnectFeature>() is { IsExtendedConnect: true }
            || (context.Features.Get<IHttpUpgradeFeature>() is { IsUpgradableRequest: true }
                && context.Request.Headers.Upgrade.ToString().Contains("websocket", StringComparison.OrdinalIgnoreCase)))
        {
            return AffinityMetrics.WebSockets;
        }
        if (HttpMethods.IsGet(context.Request.Method))
        {
            return context.Request.Headers.Accept.ToString().Contains("text/event-stream", StringComparison.OrdinalIgnoreCase)
                ? AffinityMetrics.ServerSentEvents
                : AffinityMetrics.LongPolling;
        }
        return HttpMethods.IsPost(context.Request.Method) ? AffinityMetrics.Send : AffinityMetrics.Other;
    }

    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext connection, CancellationToken cancellationToken)
    {
        // Host names are the owners' socket names (a{slot}-{generation}), made in CreateRequest.
        var path = AffinitySockets.PathOf(_directory, connection.DnsEndPoint.Host);
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), cancellationToken).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public void Dispose() => _client.Dispose();
}
