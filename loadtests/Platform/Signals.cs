using System.Runtime.Versioning;

namespace ClusterHost.LoadTests.Platform;

/// <summary>The signals the chaos scenario sends, and kill(2) that sends them.</summary>
[SupportedOSPlatform("linux")]
internal static class Signals
{
    public const int SIGHUP = 1;
    public const int SIGKILL = 9;
    public const int SIGCONT = 18;
    public const int SIGSTOP = 19;
    public const int SIGTTIN = 21;
    public const int SIGTTOU = 22;

    /// <summary>Sends <paramref name="signal"/> to <paramref name="pid"/>; false if it is gone.</summary>
    public static bool Send(int pid, int signal) => Interop.Kill(pid, signal) == 0;
}
