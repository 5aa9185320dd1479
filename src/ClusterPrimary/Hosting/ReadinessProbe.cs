using System.Globalization;
using ClusterHost.Primary.Supervision;
using Microsoft.AspNetCore.Http;

namespace ClusterHost.Primary.Hosting;

/// <summary>
/// <c>GET /ready</c> on the primary's metrics endpoint: 200 while every worker slot has a worker
/// serving, 503 otherwise (starting, a worker restarting or given up, draining). What systemd
/// learns from READY=1, for a platform that probes instead (a Kubernetes readiness probe).
/// </summary>
internal static class ReadinessProbe
{
    public const string Path = "/ready";

    /// <summary>True when there are slots and each has a worker serving (a replacement in progress still has the old one).</summary>
    public static bool IsReady(IReadOnlyList<WorkerSlot> slots, out int ready)
    {
        ready = slots.Count(s => s.State is WorkerSlotState.Ready or WorkerSlotState.Replacing);
        return slots.Count > 0 && ready == slots.Count;
    }

    public static Task WriteAsync(HttpContext context, WorkerSlots slots)
    {
        var current = slots.IsClosed ? [] : slots.Current;
        var isReady = IsReady(current, out var ready);
        context.Response.StatusCode = isReady ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable;
        context.Response.ContentType = "text/plain; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        var body = slots.IsClosed
            ? "stopping\n"
            : string.Create(CultureInfo.InvariantCulture, $"{(isReady ? "ready" : "not ready")}: {ready}/{current.Count} workers\n");
        return HttpMethods.IsHead(context.Request.Method) ? Task.CompletedTask : context.Response.WriteAsync(body, context.RequestAborted);
    }
}
