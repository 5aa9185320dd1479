namespace ClusterHost.Worker.Internal;

/// <summary>
/// The app's own listening addresses that the cluster overrode in this worker, gathered where each
/// is removed (Kestrel's options, then the server's address list) and reported in one warning.
/// </summary>
internal sealed class AppAddressOverrides
{
    private readonly List<string> _kestrelEndpoints = [];
    private readonly List<string> _urls = [];

    /// <summary>A <c>Kestrel:Endpoints</c> entry from configuration: "Name: url".</summary>
    public void AddKestrelEndpoint(string name, string? url)
    {
        lock (_kestrelEndpoints)
        {
            _kestrelEndpoints.Add(string.IsNullOrEmpty(url) ? name : $"{name}: {url}");
        }
    }

    /// <summary>An address from <c>urls</c>, <c>ASPNETCORE_URLS</c>, <c>ASPNETCORE_HTTP(S)_PORTS</c> or <c>UseUrls</c>.</summary>
    public void AddUrl(string url)
    {
        lock (_urls)
        {
            _urls.Add(url);
        }
    }

    /// <summary>"the app's Kestrel:Endpoints (Http: http://0.0.0.0:5005) and urls (http://*:5000)"; null when nothing was overridden.</summary>
    public string? Describe()
    {
        string[] endpoints, urls;
        lock (_kestrelEndpoints)
        {
            endpoints = [.. _kestrelEndpoints];
        }
        lock (_urls)
        {
            urls = [.. _urls];
        }
        var parts = new List<string>(2);
        if (endpoints.Length > 0)
        {
            parts.Add($"Kestrel:Endpoints ({string.Join(", ", endpoints)})");
        }
        if (urls.Length > 0)
        {
            parts.Add($"urls ({string.Join(", ", urls)})");
        }
        return parts.Count == 0 ? null : "the app's " + string.Join(" and ", parts);
    }
}
