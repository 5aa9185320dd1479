using System.Globalization;
using ClusterHost.Primary.Platform;

namespace ClusterHost.Primary.Supervision;

/// <summary>Words for a worker's exit code.</summary>
internal static class ExitDescription
{
    /// <summary>
    /// .NET reports a process killed by signal N as exit code 128+N (the shell's convention), so
    /// codes 129-159 are described as that signal.
    /// </summary>
    public static string Describe(int exitCode) => exitCode is > 128 and < 160
        ? string.Create(CultureInfo.InvariantCulture, $"signal {SignalNames.Get(exitCode - 128)} (exit code {exitCode})")
        : string.Create(CultureInfo.InvariantCulture, $"exit code {exitCode}");
}
