using Microsoft.Extensions.Logging;

namespace ClusterHost.Primary;

/// <summary>The workers' .NET runtime settings: event ids 1200-1249.</summary>
internal static partial class Log
{
    [LoggerMessage(1200, LogLevel.Information, "Workers' GC: {Settings}", EventName = "WorkerGcSettings")]
    public static partial void WorkerGcSettings(ILogger logger, string settings);
}
