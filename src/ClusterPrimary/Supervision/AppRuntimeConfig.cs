using System.Text.Json;

namespace ClusterHost.Primary.Supervision;

/// <summary>
/// What ClusterHost reads from an app's <c>App.runtimeconfig.json</c>: its frameworks (or, self-contained,
/// the ones it includes) and its <c>configProperties</c>. One reader for the up-front checks
/// (<see cref="AppInspector"/>) and the worker defaults (<see cref="WorkerRuntimeSettings"/>).
/// </summary>
internal sealed class AppRuntimeConfig
{
    public const string NetCoreFramework = "Microsoft.NETCore.App";

    private readonly Dictionary<string, string> _frameworks = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, JsonElement> _properties = new(StringComparer.Ordinal);

    /// <summary>Self-contained: the SDK writes <c>includedFrameworks</c> instead of <c>framework(s)</c>.</summary>
    public bool IsSelfContained { get; private set; }

    public bool UsesFramework(string name) => _frameworks.ContainsKey(name);

    public int? FrameworkMajor(string name) =>
        _frameworks.TryGetValue(name, out var version) && Version.TryParse(version.Split('-')[0], out var parsed) ? parsed.Major : null;

    /// <summary>Every property <c>configProperties</c> sets.</summary>
    public IEnumerable<string> PropertyNames => _properties.Keys;

    /// <summary>True when <c>configProperties</c> sets <paramref name="name"/>, to any value.</summary>
    public bool Sets(string name) => _properties.ContainsKey(name);

    public bool? Switch(string name) =>
        _properties.TryGetValue(name, out var value) ? value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.String when bool.TryParse(value.GetString(), out var parsed) => parsed,
            _ => null,
        } : null;

    /// <summary>Null when the file is missing, unreadable or not JSON.</summary>
    public static AppRuntimeConfig? Read(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            using var document = JsonDocument.Parse(stream, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            var config = new AppRuntimeConfig();
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("runtimeOptions", out var options)
                || options.ValueKind != JsonValueKind.Object)
            {
                return config;
            }
            if (options.TryGetProperty("framework", out var framework))
            {
                config.AddFramework(framework);
            }
            foreach (var listName in new[] { "frameworks", "includedFrameworks" })
            {
                if (options.TryGetProperty(listName, out var list) && list.ValueKind == JsonValueKind.Array)
                {
                    config.IsSelfContained |= listName == "includedFrameworks";
                    foreach (var item in list.EnumerateArray())
                    {
                        config.AddFramework(item);
                    }
                }
            }
            if (options.TryGetProperty("configProperties", out var properties) && properties.ValueKind == JsonValueKind.Object)
            {
                foreach (var property in properties.EnumerateObject())
                {
                    config._properties[property.Name] = property.Value.Clone();
                }
            }
            return config;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            return null;
        }
    }

    private void AddFramework(JsonElement framework)
    {
        if (framework.ValueKind == JsonValueKind.Object
            && framework.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String)
        {
            _frameworks[name.GetString()!] = framework.TryGetProperty("version", out var version) && version.ValueKind == JsonValueKind.String
                ? version.GetString()!
                : string.Empty;
        }
    }
}
