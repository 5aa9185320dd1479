using System.Net;

namespace ClusterHost.Primary.Configuration;

/// <summary>
/// Parses <c>--metrics-urls</c>: the forms <c>--urls</c> takes, or <see cref="None"/>. A metrics
/// URL may not share a fixed port with a public URL on an overlapping address.
/// </summary>
internal static class MetricsUrlsParser
{
    /// <summary>The value that turns the metrics endpoint off.</summary>
    public const string None = "none";

    /// <returns>The URLs to serve metrics on; empty when turned off or invalid.</returns>
    public static IReadOnlyList<ListenUrl> Parse(string value, IReadOnlyList<ListenUrl> publicUrls, ICollection<string> errors)
    {
        if (string.Equals(value.Trim(), None, StringComparison.OrdinalIgnoreCase))
        {
            return [];
        }
        var urls = ListenUrlParser.Parse(value, errors, "--metrics-urls");
        foreach (var url in urls)
        {
            if (publicUrls.FirstOrDefault(p => Overlaps(p, url)) is { } clash)
            {
                errors.Add($"--metrics-urls has '{url}', which takes the port of --urls '{clash}'; choose another port");
            }
        }
        return urls;
    }

    private static bool Overlaps(ListenUrl a, ListenUrl b) =>
        a.Port == b.Port && a.Port != 0
        && a.Addresses.Any(x => b.Addresses.Any(y => x.Equals(y) || IsAny(x) || IsAny(y)));

    private static bool IsAny(IPAddress address) => address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any);
}
