using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace ClusterHost.Worker.Internal;

/// <summary>
/// Drops the app's <c>Kestrel:Endpoints</c> from the configuration Kestrel loads its endpoints
/// from: Kestrel binds those in addition to (and ahead of) the endpoints the worker is told to
/// listen on, so under the cluster the app would also listen on its own ports. The rest of the
/// app's Kestrel section (endpoint defaults, certificates) is kept.
/// </summary>
internal sealed class KestrelEndpointsOverride(AppAddressOverrides overrides) : IPostConfigureOptions<KestrelServerOptions>
{
    private const string EndpointsSection = "Endpoints";

    public void PostConfigure(string? name, KestrelServerOptions options)
    {
        if (options.ConfigurationLoader?.Configuration is not { } kestrelSection)
        {
            return;
        }
        var endpoints = kestrelSection.GetSection(EndpointsSection).GetChildren().ToList();
        if (endpoints.Count == 0)
        {
            return;
        }
        foreach (var endpoint in endpoints)
        {
            overrides.AddKestrelEndpoint(endpoint.Key, endpoint["Url"]);
        }
        options.Configure(WithoutEndpoints(kestrelSection), reloadOnChange: false);
    }

    /// <summary>A snapshot of <paramref name="kestrelSection"/> without its Endpoints subtree.</summary>
    internal static IConfiguration WithoutEndpoints(IConfiguration kestrelSection)
    {
        var prefix = kestrelSection is IConfigurationSection section ? section.Path + ConfigurationPath.KeyDelimiter : string.Empty;
        var kept = kestrelSection.AsEnumerable()
            .Where(pair => pair.Value is not null)
            .Select(pair => new KeyValuePair<string, string?>(
                pair.Key.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) ? pair.Key[prefix.Length..] : pair.Key, pair.Value))
            .Where(pair => !pair.Key.Equals(EndpointsSection, StringComparison.OrdinalIgnoreCase)
                && !pair.Key.StartsWith(EndpointsSection + ConfigurationPath.KeyDelimiter, StringComparison.OrdinalIgnoreCase));
        return new ConfigurationBuilder().AddInMemoryCollection(kept).Build();
    }
}
