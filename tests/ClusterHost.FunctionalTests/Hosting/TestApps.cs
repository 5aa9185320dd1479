using ClusterHost.FunctionalTests.Metrics;

namespace ClusterHost.FunctionalTests.Hosting;

/// <summary>The apps in tests/Apps: ordinary ASP.NET Core apps with no reference to ClusterHost, built with the tests.</summary>
internal static class TestApps
{
    public const string NotesApi = "NotesApi";
    public const string CookieLogin = "CookieLogin";
    public const string EchoSockets = "EchoSockets";

    /// <summary>The app's built .dll.</summary>
    public static string Dll(string name) =>
        Path.Combine(RepoPaths.Root, "tests", "Apps", name, "bin", InstalledTool.Configuration, "net10.0", $"{name}.dll");
}
