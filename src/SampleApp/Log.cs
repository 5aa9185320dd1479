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

    [LoggerMessage(4, LogLevel.Information, "Delaying this request for {DurationMs} ms on request (no thread held)", EventName = "Delaying")]
    public static partial void Delaying(ILogger logger, int durationMs);

    [LoggerMessage(5, LogLevel.Information, "Burning CPU for {DurationMs} ms on request: one thread-pool thread spins, the others serve on", EventName = "Burning")]
    public static partial void Burning(ILogger logger, int durationMs);

    [LoggerMessage(20, LogLevel.Information, "Flooding stdout with {MegabytesPerSecond} MB/s for {Seconds} s on request", EventName = "Flooding")]
    public static partial void Flooding(ILogger logger, int megabytesPerSecond, int seconds);

    [LoggerMessage(21, LogLevel.Information, "Closing stdout on request; serving on", EventName = "ClosingStdout")]
    public static partial void ClosingStdout(ILogger logger);
}
