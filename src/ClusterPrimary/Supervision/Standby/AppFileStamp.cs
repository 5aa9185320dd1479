namespace ClusterHost.Primary.Supervision.Standby;

/// <summary>
/// Length and last write time of the files a .NET process binds to at start: the app's assembly,
/// its <c>.runtimeconfig.json</c> (runtime version and settings) and its <c>.deps.json</c> (the
/// assemblies the host lists for it). A standby started before a deploy changed them would run the
/// new app on the old runtime or dependency list, so it is used only while they are unchanged.
/// </summary>
internal sealed record AppFileStamp(string Files)
{
    /// <summary>The stamp of the app at <paramref name="appPath"/> (its .dll or its apphost) now.</summary>
    public static AppFileStamp Read(string appPath)
    {
        var stem = WorkerInjection.IsDll(appPath) ? appPath[..^".dll".Length] : appPath;
        var parts = new[] { stem + ".dll", stem + ".runtimeconfig.json", stem + ".deps.json" }.Select(Describe);
        return new AppFileStamp(string.Join('|', parts));
    }

    private static string Describe(string path)
    {
        var file = new FileInfo(path);
        return file.Exists ? $"{path}:{file.Length}:{file.LastWriteTimeUtc.Ticks}" : $"{path}:-";
    }
}
