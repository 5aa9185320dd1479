using System.Diagnostics;
using SampleApp.Faults;

namespace SampleApp;

/// <summary>
/// Endpoints that misbehave on purpose, for demonstrations and tests. Mapped only when
/// <c>SampleApp:EnableFaults=true</c>; otherwise they answer 404. A missing or out-of-range
/// value answers 400 with a one-line message.
/// </summary>
internal static class FaultEndpoints
{
    /// <summary>Upper bound of <c>/delay?ms=</c>.</summary>
    public const int MaxDelayMs = 60_000;

    /// <summary>Upper bound of <c>/cpu?ms=</c>.</summary>
    public const int MaxCpuMs = 30_000;

    /// <summary>Upper bound of <c>/block?ms=</c>.</summary>
    public const int MaxBlockMs = 30_000;

    /// <summary>Upper bound of <c>/leak?mb=</c>, per request.</summary>
    public const int MaxLeakMb = 1024;

    /// <summary>Upper bound of what <c>/leak</c> keeps in all, per process.</summary>
    public const int MaxLeakTotalMb = 4096;

    /// <summary>Upper bounds of <c>/flood-stdout?mbps=&amp;seconds=</c>.</summary>
    public const int MaxFloodMbps = 1000, MaxFloodSeconds = 600;

    public static void MapFaultEndpoints(this IEndpointRouteBuilder endpoints, int workerId)
    {
        WorkerAnswer Answer(HttpContext context) => new(workerId, Environment.ProcessId, context.Connection.Id);
        var logger = endpoints.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger("SampleApp.Faults");

        // An asynchronous wait: a slow request that holds no thread (a slow database call, say).
        endpoints.MapGet("/delay", async (HttpContext context, string? ms, CancellationToken aborted) =>
        {
            if (FaultQuery.Parse(ms, "ms", 0, MaxDelayMs, out var problem) is not { } delay)
            {
                return problem!;
            }
            // Logged, so that a test can wait until the request is in flight here rather than sleep.
            Log.Delaying(logger, delay);
            await Task.Delay(delay, aborted);
            return Results.Ok(Answer(context));
        });

        // CPU-bound work in this request only: one pool thread spins, the others serve on.
        endpoints.MapGet("/cpu", (HttpContext context, string? ms) =>
        {
            if (FaultQuery.Parse(ms, "ms", 0, MaxCpuMs, out var problem) is not { } duration)
            {
                return problem!;
            }
            Log.Burning(logger, duration);
            CpuBurner.Burn(TimeSpan.FromMilliseconds(duration));
            return Results.Ok(Answer(context));
        });

        // The whole process stops serving, as a blocked event loop would: see ThreadPoolStarvation.
        endpoints.MapGet("/block", (HttpContext context, string? ms) =>
        {
            if (FaultQuery.Parse(ms, "ms", 0, MaxBlockMs, out var problem) is not { } duration)
            {
                return problem!;
            }
            // The console logger writes from its own thread, so this line appears while the pool is starved.
            var stopwatch = Stopwatch.StartNew();
            ThreadPoolStarvation.Block(TimeSpan.FromMilliseconds(duration), () => Log.Blocking(logger, duration));
            Log.BlockOver(logger, stopwatch.ElapsedMilliseconds);
            return Results.Ok(Answer(context));
        });

        // An abnormal death: SIGABRT with a message and stack on stderr; no response, no cleanup.
        endpoints.MapGet("/crash", () =>
        {
            Environment.FailFast($"SampleApp: /crash requested; worker {workerId} (pid {Environment.ProcessId}) dies on purpose.");
        });

        // A flood of stdout lines from a thread of its own; answers at once.
        endpoints.MapGet("/flood-stdout", (HttpContext context, string? mbps, string? seconds) =>
        {
            if (FaultQuery.Parse(mbps, "mbps", 1, MaxFloodMbps, out var problem) is not { } rate
                || FaultQuery.Parse(seconds, "seconds", 1, MaxFloodSeconds, out problem) is not { } duration)
            {
                return problem!;
            }
            Log.Flooding(logger, rate, duration);
            OutputFlood.Start(rate, TimeSpan.FromSeconds(duration));
            return Results.Ok(Answer(context));
        });

        // Closes this process's stdout (fd 1) and carries on serving.
        endpoints.MapGet("/close-stdout", (HttpContext context) =>
        {
            Log.ClosingStdout(logger);
            Console.Out.Flush();
            StandardOutput.Close();
            return Results.Ok(Answer(context));
        });

        endpoints.MapGet("/leak", (string? mb) =>
        {
            if (FaultQuery.Parse(mb, "mb", 1, MaxLeakMb, out var problem) is not { } megabytes)
            {
                return problem!;
            }
            if (MemoryLeak.TryLeak(megabytes, MaxLeakTotalMb) is { } total)
            {
                Log.Leaked(logger, megabytes, total);
                return Results.Ok(new LeakAnswer(workerId, Environment.ProcessId, total));
            }
            return FaultQuery.BadRequest($"mb={megabytes} would keep more than {MaxLeakTotalMb} MB in all (this process keeps {MemoryLeak.KeptMegabytes} MB)");
        });
    }
}
