namespace SampleApp;

/// <summary>The SampleApp's log messages, with their event ids.</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Warning, "Blocking this process for {DurationMs} ms on request: every thread-pool thread waits, nothing is served", EventName = "Blocking")]
    public static partial void Blocking(ILogger logger, int durationMs);

    [LoggerMessage(2, LogLevel.Information, "Block over after {ElapsedMs} ms; serving again", EventName = "BlockOver")]
    public static partial void BlockOver(ILogger logger, long elapsedMs);

    [LoggerMessage(3, LogLevel.Information, "Keeping {Megabytes} MB more on request; {KeptMegabytes} MB kept in all", EventName = "Leaked")]
    public static partial void Leaked(ILogger logger, int megabytes, int keptMegabytes);
}
