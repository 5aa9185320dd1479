namespace ClusterHost.Primary.Configuration;

/// <summary>The names users type for <see cref="ProxyTransport"/> (<c>--proxy-transport</c>).</summary>
internal static class ProxyTransportNames
{
    public static readonly IReadOnlyList<string> All = [.. Enum.GetValues<ProxyTransport>().Select(ToName)];

    public static string ToName(ProxyTransport transport) => transport switch
    {
        ProxyTransport.Unix => "unix",
        ProxyTransport.Tcp => "tcp",
        _ => throw new ArgumentOutOfRangeException(nameof(transport), transport, null),
    };

    public static bool TryParse(string value, out ProxyTransport transport)
    {
        foreach (var candidate in Enum.GetValues<ProxyTransport>())
        {
            if (string.Equals(ToName(candidate), value.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                transport = candidate;
                return true;
            }
        }
        transport = default;
        return false;
    }
}
