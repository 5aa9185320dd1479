using System.Net.WebSockets;
using System.Security.Cryptography;

namespace SampleApp;

/// <summary>
/// Endpoints that show what passes through a proxy in front of the workers: a WebSocket echo, a
/// streamed upload answered with its checksum, and the request as the app sees it.
/// </summary>
internal static class ProxyDemoEndpoints
{
    public static void MapProxyDemoEndpoints(this IEndpointRouteBuilder endpoints, int workerId)
    {
        // Echoes every message back until the client closes. Needs app.UseWebSockets().
        endpoints.Map("/ws", async (HttpContext context) =>
        {
            if (!context.WebSockets.IsWebSocketRequest)
            {
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                await context.Response.WriteAsync("a WebSocket upgrade request is expected");
                return;
            }
            using var socket = await context.WebSockets.AcceptWebSocketAsync();
            await EchoAsync(socket, context.RequestAborted);
        });

        // Reads the body as it streams in (never buffered whole) and answers its SHA-256.
        endpoints.MapPost("/upload", async (HttpContext context, CancellationToken aborted) =>
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var buffer = new byte[64 * 1024];
            long total = 0;
            int read;
            while ((read = await context.Request.Body.ReadAsync(buffer, aborted)) > 0)
            {
                hash.AppendData(buffer, 0, read);
                total += read;
            }
            return Results.Ok(new UploadAnswer(workerId, Environment.ProcessId, total, Convert.ToHexStringLower(hash.GetHashAndReset())));
        });

        // The request as the app sees it: client address, scheme and host after forwarding.
        endpoints.MapGet("/request", (HttpContext context) => new RequestEcho(
            workerId,
            Environment.ProcessId,
            context.Connection.RemoteIpAddress?.ToString(),
            context.Request.Scheme,
            context.Request.Host.Value,
            context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase)));
    }

    private static async Task EchoAsync(WebSocket socket, CancellationToken aborted)
    {
        var buffer = new byte[16 * 1024];
        while (true)
        {
            var received = await socket.ReceiveAsync(buffer, aborted);
            if (received.MessageType == WebSocketMessageType.Close)
            {
                await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, aborted);
                return;
            }
            await socket.SendAsync(buffer.AsMemory(0, received.Count), received.MessageType, received.EndOfMessage, aborted);
        }
    }
}
