using System.Diagnostics;

namespace ClusterHost.Primary.Tests.TestUtilities;

/// <summary>Start infos for a child process that runs a <c>/bin/sh</c> script, its stdio redirected as a worker's is.</summary>
internal static class ShellScript
{
    public static ProcessStartInfo StartInfo(string script)
    {
        var startInfo = new ProcessStartInfo("/bin/sh")
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        startInfo.ArgumentList.Add("-c");
        startInfo.ArgumentList.Add(script);
        return startInfo;
    }
}
