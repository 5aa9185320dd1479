namespace ClusterHost.Primary.Configuration;

/// <summary>The names users type for <see cref="ProxyTransport"/> (<c>--proxy-transport</c>).</summary>
internal static class ProxyTransportNames
{
    public static readonly IReadOnlyList<string> All = EnumNames.All<ProxyTransport>(ToName);

    public static string ToName(ProxyTransport transport) => transport switch
    {
        ProxyTransport.Unix => "unix",
        ProxyTransport.Tcp => "tcp",
        _ => throw new ArgumentOutOfRangeException(nameof(transport), transport, null),
    };

    public static bool TryParse(string value, out ProxyTransport transport) => EnumNames.TryParse(value, ToName, out transport);
}
