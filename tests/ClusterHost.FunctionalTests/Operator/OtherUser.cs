using System.Diagnostics;

namespace ClusterHost.FunctionalTests.Operator;

/// <summary>A second, unprivileged local user for tests that need another uid; created once with useradd (the tests run as root).</summary>
internal static class OtherUser
{
    public const string Name = "clusterhost-test";

    private static readonly Lazy<string> Created = new(() =>
    {
        if (Run("id", "-u", Name) != 0)
        {
            var useradd = Metrics.RequiredTool.Find("useradd", "passwd");
            Assert.True(Run(useradd, "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", Name) == 0, $"useradd {Name} failed (the functional tests run as root)");
        }
        return Name;
    });

    /// <summary>The user's name, created if missing.</summary>
    public static string Ensure() => Created.Value;

    private static int Run(string program, params string[] args)
    {
        var startInfo = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            startInfo.ArgumentList.Add(arg);
        }
        using var process = Process.Start(startInfo)!;
        process.WaitForExit();
        return process.ExitCode;
    }
}
