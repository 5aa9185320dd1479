namespace ClusterHost.FunctionalTests.Metrics;

/// <summary>Finds a program a test needs, or fails the test saying how to get it.</summary>
internal static class RequiredTool
{
    public static string Find(string command, string debianPackage)
    {
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var path = Path.Combine(directory, command);
            if (File.Exists(path))
            {
                return path;
            }
        }
        throw new InvalidOperationException(
            $"This test needs '{command}' from the Debian package '{debianPackage}', which is not installed. " +
            $"./test.sh installs it; or run: sudo apt-get install {debianPackage}");
    }
}
