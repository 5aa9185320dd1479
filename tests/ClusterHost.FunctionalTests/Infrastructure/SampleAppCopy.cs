using System.Text.Json.Nodes;

namespace ClusterHost.FunctionalTests.Infrastructure;

/// <summary>A private copy of the built SampleApp that a test may "deploy" a broken build over.</summary>
internal sealed class SampleAppCopy
{
    private SampleAppCopy(string directory) => Directory = directory;

    public string Directory { get; }

    public string DllPath => Path.Combine(Directory, "SampleApp.dll");

    public static SampleAppCopy Create()
    {
        var source = Path.GetDirectoryName(TestPaths.SampleApp)!;
        var target = Path.Combine(Path.GetTempPath(), $"clusterhost-app-{Guid.NewGuid():N}");
        foreach (var file in System.IO.Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var destination = Path.Combine(target, Path.GetRelativePath(source, file));
            System.IO.Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
        }
        return new SampleAppCopy(target);
    }

    /// <summary>Changes the copy's appsettings.json so that new workers fail at startup.</summary>
    public void BreakStartup()
    {
        var path = Path.Combine(Directory, "appsettings.json");
        var settings = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        settings["SampleApp"] = new JsonObject { ["EnableFaults"] = true, ["FailAtStartup"] = true };
        File.WriteAllText(path, settings.ToJsonString());
    }

    public void Delete()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
