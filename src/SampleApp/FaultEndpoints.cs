using ClusterHost.Worker;

namespace SampleApp;

/// <summary>
/// Endpoints that misbehave on purpose, for demonstrations and tests. Mapped only when
/// <c>SampleApp:EnableFaults=true</c>; otherwise they answer 404.
/// </summary>
internal static class FaultEndpoints
{
    /// <summary>Upper bound of <c>/delay?ms=</c>.</summary>
    public const int MaxDelayMs = 60_000;

    public static void MapFaultEndpoints(this IEndpointRouteBuilder endpoints, ClusterWorkerInfo worker)
    {
        // An asynchronous wait: a slow request that holds no thread (a slow database call, say).
        endpoints.MapGet("/delay", async (HttpContext context, int? ms, CancellationToken aborted) =>
        {
            if (ms is not { } delay || delay < 0 || delay > MaxDelayMs)
            {
                return Results.BadRequest($"ms must be a whole number from 0 to {MaxDelayMs}");
            }
            await Task.Delay(delay, aborted);
            return Results.Ok(new WorkerAnswer(worker.WorkerId, Environment.ProcessId, context.Connection.Id));
        });
    }
}
