using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.Options;

namespace ClusterHost.Worker.SignalR;

/// <summary>
/// Serializes a hub message once for every protocol the hub supports (the app's registered
/// protocols, narrowed by <see cref="HubOptions.SupportedProtocols"/>), with SignalR's own
/// protocol writers: what every worker then writes to its clients as is. SignalR's own
/// <c>DefaultHubMessageSerializer</c>, which the Redis backplane uses, is not public API.
/// </summary>
internal sealed class HubMessageSerializer<THub> where THub : Hub
{
    private readonly IHubProtocol[] _protocols;

    public HubMessageSerializer(IHubProtocolResolver resolver, IOptions<HubOptions> globalOptions, IOptions<HubOptions<THub>> hubOptions)
    {
        var supported = hubOptions.Value.SupportedProtocols ?? globalOptions.Value.SupportedProtocols;
        _protocols = [.. resolver.AllProtocols.Where(p => supported is null || supported.Contains(p.Name, StringComparer.OrdinalIgnoreCase))];
    }

    public IReadOnlyList<SerializedMessage> Serialize(HubMessage message)
    {
        var serialized = new SerializedMessage[_protocols.Length];
        for (var i = 0; i < _protocols.Length; i++)
        {
            serialized[i] = new SerializedMessage(_protocols[i].Name, _protocols[i].GetMessageBytes(message));
        }
        return serialized;
    }
}
