using System.Net;

namespace ClusterHost.Primary.Configuration;

/// <summary>A public endpoint from <c>--urls</c>, resolved to the IP addresses to bind.</summary>
/// <param name="Host">The host as written: an IP address, <c>localhost</c> or <c>*</c>.</param>
/// <param name="Port">The port; 0 lets the primary pick a free one at start.</param>
/// <param name="Addresses">What to bind: <c>localhost</c> is both loopbacks, <c>*</c> every address.</param>
/// <param name="Https">True for an <c>https://</c> URL: TLS with the cluster's certificate.</param>
internal sealed record ListenUrl(string Host, int Port, IReadOnlyList<IPAddress> Addresses, bool Https = false)
{
    public string Scheme => Https ? "https" : "http";

    public override string ToString() => $"{Scheme}://{Host}:{Port}";
}
