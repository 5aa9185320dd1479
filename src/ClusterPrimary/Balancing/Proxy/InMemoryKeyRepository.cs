using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace ClusterHost.Primary.Balancing.Proxy;

/// <summary>
/// Keeps the proxy server's data-protection keys in memory. YARP registers data protection for its
/// cookie session affinity, which ClusterHost never configures; without this, the server would write
/// a key ring under the user's home directory at every start.
/// </summary>
/// <remarks>
/// <c>UseEphemeralDataProtectionProvider()</c> does not replace this: it swaps the
/// <c>IDataProtectionProvider</c>, but data protection's hosted service still loads the default key
/// ring at start, which writes a key to <c>~/.aspnet/DataProtection-Keys</c> (dotnet/aspnetcore#54234;
/// checked with Microsoft.AspNetCore.App 10.0 here).
/// </remarks>
internal sealed class InMemoryKeyRepository : IXmlRepository
{
    private readonly List<XElement> _elements = [];

    public IReadOnlyCollection<XElement> GetAllElements()
    {
        lock (_elements)
        {
            return [.. _elements.Select(e => new XElement(e))];
        }
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        lock (_elements)
        {
            _elements.Add(new XElement(element));
        }
    }
}
