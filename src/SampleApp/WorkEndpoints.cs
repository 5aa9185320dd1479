using SampleApp.Faults;
using SampleApp.Work;

namespace SampleApp;

/// <summary>
/// A request of a chosen CPU cost, for the mixed-cost benchmark (loadtests <c>mixed-cost</c>):
/// <c>GET /work?us=N</c> spends N microseconds of its thread's CPU time, then answers like
/// <c>/</c>. Mapped with the fault endpoints (<c>SampleApp:EnableFaults=true</c>); not logged per
/// request, so the answer costs what was asked and little more.
/// </summary>
internal static class WorkEndpoints
{
    /// <summary>Upper bound of <c>/work?us=</c>: 100 ms of CPU per request.</summary>
    public const int MaxWorkMicroseconds = 100_000;

    public static void MapWorkEndpoints(this IEndpointRouteBuilder endpoints, int workerId)
    {
        endpoints.MapGet("/work", (HttpContext context, string? us) =>
        {
            if (FaultQuery.Parse(us, "us", 0, MaxWorkMicroseconds, out var problem) is not { } microseconds)
            {
                return problem!;
            }
            CpuWork.Spend(microseconds);
            return Results.Ok(new WorkerAnswer(workerId, Environment.ProcessId, context.Connection.Id));
        });
    }
}
