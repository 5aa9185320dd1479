namespace ClusterHost.Primary;

/// <summary>The primary's exit codes, as the README documents them.</summary>
internal static class ExitCodes
{
    /// <summary>Stopped on request (SIGTERM, SIGINT) after draining.</summary>
    public const int Success = 0;

    /// <summary>
    /// Could not serve: a public or metrics port is in use or cannot be bound, the proxy front
    /// could not start, a worker reported it cannot bind, a worker reported a fatal error, or one of
    /// the primary's own supervision loops died.
    /// </summary>
    public const int Failure = 1;

    /// <summary>Invalid command line or configuration; nothing was started.</summary>
    public const int Usage = 2;

    /// <summary>Every worker slot crash-looped past <c>--max-restarts</c>.</summary>
    public const int CrashLoop = 3;

    /// <summary>
    /// The app cannot be hosted, found before any worker starts or from the first worker: not a
    /// .NET assembly or apphost, no runtimeconfig.json, not an ASP.NET Core app, built for .NET 7 or
    /// older, native AOT or trimmed without startup hooks, ASPNETCORE_PREVENTHOSTINGSTARTUP set, or
    /// (at run time) a worker that never connected to the primary because it built no web host or
    /// the injection was prevented. Restarting would not help.
    /// </summary>
    public const int AppNotHostable = 4;
}
