using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace ClusterHost.Primary.Configuration;

/// <summary>
/// Parses <c>--urls</c> (and <c>--metrics-urls</c>): <c>http://HOST[:PORT][/]</c>, and for
/// <c>--urls</c> <c>https://HOST[:PORT][/]</c>, ';'-separated.
/// </summary>
internal static partial class ListenUrlParser
{
    /// <param name="urls">The option's value.</param>
    /// <param name="errors">Receives every problem.</param>
    /// <param name="option">The switch named in error messages.</param>
    /// <param name="allowHttps">True where https URLs are served (the public endpoints).</param>
    public static IReadOnlyList<ListenUrl> Parse(string urls, ICollection<string> errors, string option = "--urls", bool allowHttps = false)
    {
        var result = new List<ListenUrl>();
        var parts = urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length == 0)
        {
            errors.Add($"{option} names no URL; give at least one, e.g. http://127.0.0.1:8080");
        }
        foreach (var part in parts)
        {
            if (TryParse(part, allowHttps, out var url, out var problem))
            {
                if (result.Any(existing => existing.Port == url.Port && existing.Port != 0 && existing.Addresses.Intersect(url.Addresses).Any()))
                {
                    errors.Add($"{option} lists '{part}' twice");
                    continue;
                }
                result.Add(url);
            }
            else
            {
                errors.Add(allowHttps
                    ? $"{option} has '{part}': {problem}; allowed: http(s)://IP:PORT, http(s)://localhost:PORT, http(s)://*:PORT"
                    : $"{option} has '{part}': {problem}; allowed: http://IP:PORT, http://localhost:PORT, http://*:PORT");
            }
        }
        return result;
    }

    private static bool TryParse(string text, bool allowHttps, out ListenUrl url, out string problem)
    {
        url = null!;
        var match = UrlPattern().Match(text);
        if (!match.Success)
        {
            problem = "not a URL of the form scheme://host:port";
            return false;
        }
        var scheme = match.Groups["scheme"].Value.ToLowerInvariant();
        var https = scheme == "https" && allowHttps;
        if (scheme != "http" && !https)
        {
            problem = scheme == "https"
                ? "https is not supported; terminate TLS in front of ClusterHost"
                : $"scheme '{scheme}' is not supported";
            return false;
        }
        if (match.Groups["path"].Value is not ("" or "/"))
        {
            problem = "a path is not supported";
            return false;
        }

        var port = https ? 443 : 80;
        if (match.Groups["port"].Success
            && (!int.TryParse(match.Groups["port"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port > IPEndPoint.MaxPort))
        {
            problem = $"port must be from 0 to {IPEndPoint.MaxPort}";
            return false;
        }

        var host = match.Groups["host"].Value;
        IReadOnlyList<IPAddress> addresses;
        if (host is "*" or "+")
        {
            addresses = [Socket.OSSupportsIPv6 ? IPAddress.IPv6Any : IPAddress.Any];
        }
        else if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            addresses = Socket.OSSupportsIPv6 ? [IPAddress.Loopback, IPAddress.IPv6Loopback] : [IPAddress.Loopback];
        }
        else if (IPAddress.TryParse(host.Trim('[', ']'), out var address))
        {
            addresses = [address];
        }
        else
        {
            problem = "host must be an IP address, localhost or *";
            return false;
        }

        url = new ListenUrl(host, port, addresses, https);
        problem = "";
        return true;
    }

    [GeneratedRegex(@"^(?<scheme>[A-Za-z][A-Za-z0-9+.-]*)://(?<host>\[[^\]]+\]|[^:/\[\]]+)(:(?<port>\d{1,5}))?(?<path>/.*)?$")]
    private static partial Regex UrlPattern();
}
