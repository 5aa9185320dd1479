using System.Text.Json;
using System.Text.Json.Nodes;
using ClusterHost.SignalR;

namespace ClusterHost.Worker.SignalR;

/// <summary>
/// Tags the connection token of a SignalR negotiate response with the launch that issued it. The
/// token is what the client sends back in <c>id=</c>: <c>connectionToken</c> (negotiate version 1
/// and later), or <c>connectionId</c> for version 0 clients, whose id and token are one value.
/// The <c>connectionId</c> of version 1 stays as it is: it is the id the app's hub sees.
/// </summary>
internal static class NegotiateResponse
{
    private const string ConnectionToken = "connectionToken";
    private const string ConnectionId = "connectionId";

    /// <summary>The response with its token tagged; null when it is not a negotiate answer with a token (an error, a redirect).</summary>
    public static byte[]? TryTag(ReadOnlySpan<byte> json, ConnectionTokenTag tag)
    {
        JsonObject? negotiate;
        try
        {
            negotiate = JsonNode.Parse(json) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
        if (negotiate is null || negotiate.ContainsKey("error") || negotiate.ContainsKey("url"))
        {
            return null;
        }
        var name = negotiate.ContainsKey(ConnectionToken) ? ConnectionToken : ConnectionId;
        if (negotiate[name] is not JsonValue value || !value.TryGetValue<string>(out var token) || token.Length == 0
            || ConnectionTokenTag.TryParse(token, out _, out _))
        {
            return null;
        }
        negotiate[name] = tag.Apply(token);
        return System.Text.Encoding.UTF8.GetBytes(negotiate.ToJsonString());
    }
}
