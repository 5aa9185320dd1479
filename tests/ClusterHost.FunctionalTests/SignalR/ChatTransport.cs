namespace ClusterHost.FunctionalTests.SignalR;

/// <summary>How a <see cref="ChatClient"/> connects.</summary>
public enum ChatTransport
{
    /// <summary>The client's defaults: negotiate, then WebSockets (falling back to SSE, then long polling).</summary>
    Default,
    LongPolling,
    ServerSentEvents,

    /// <summary>Negotiate, then WebSockets only.</summary>
    WebSockets,

    /// <summary>WebSockets straight away, no negotiate (no token: nothing to route).</summary>
    WebSocketsSkipNegotiation,
}
