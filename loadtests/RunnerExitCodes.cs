namespace ClusterHost.LoadTests;

/// <summary>The runner's exit codes.</summary>
internal static class RunnerExitCodes
{
    /// <summary>The scenario ran; the verdict says what it showed.</summary>
    public const int Success = 0;

    /// <summary>The scenario could not run (the cluster did not start, a fault endpoint is off ...).</summary>
    public const int Failed = 1;

    /// <summary>Invalid options.</summary>
    public const int Usage = 2;

    /// <summary>Interrupted by SIGINT, SIGTERM, SIGHUP or SIGQUIT (128 + SIGINT, as shells report it).</summary>
    public const int Interrupted = 130;
}
