using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace ClusterHost.Primary.Balancing.Proxy;

/// <summary>
/// Keeps the proxy front's data-protection keys in memory. YARP registers data protection for its
/// cookie session affinity, which ClusterHost never configures; without this, the front would write
/// a key ring under the user's home directory at every start.
/// </summary>
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
