using ClusterHost.SignalR;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Connections;

namespace ClusterHost.Worker.SignalR;

/// <summary>
/// Connection-token affinity, ahead of the app's pipeline: the tokens this launch's SignalR
/// negotiate responses hand out carry its tag (<see cref="ConnectionTokenTag"/>); a request whose
/// <c>id=</c> carries this launch's tag goes on to SignalR without it; one that carries another
/// launch's tag is forwarded to that launch (<see cref="OwnerForwarder"/>). The kernel or the
/// primary chose this worker before any HTTP was read (reuseport, shared, handoff), or the proxy
/// could not route to the owner; either way the request reaches the process that holds the
/// connection. No state is shared: the token says where it belongs.
/// </summary>
internal sealed class ConnectionAffinity(ConnectionTokenTag own, string directory, OwnerForwarder forwarder)
{
    private const string NegotiateSuffix = "/negotiate";

    /// <summary>This launch's tag.</summary>
    public ConnectionTokenTag Own => own;

    /// <summary>Where this launch listens for forwarded requests.</summary>
    public string SocketPath { get; } = AffinitySockets.PathOf(directory, own);

    public Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var query = context.Request.QueryString.Value;
        if (ConnectionTokenTag.TryFind(query, out var tag, out var tagStart, out var tagLength))
        {
            if (tag != own)
            {
                return forwarder.ForwardAsync(context, tag);
            }
            context.Request.QueryString = new QueryString(ConnectionTokenTag.Strip(query!, tagStart, tagLength));
            return next(context);
        }
        if (HttpMethods.IsPost(context.Request.Method)
            && context.Request.Path.Value is { } path && path.EndsWith(NegotiateSuffix, StringComparison.OrdinalIgnoreCase))
        {
            return TagNegotiateAsync(context, next);
        }
        return next(context);
    }

    /// <summary>
    /// Runs a request that may be a SignalR negotiate with its (small) response held back; if the
    /// endpoint was SignalR's negotiate, the token in the answer is tagged before it leaves.
    /// </summary>
    private async Task TagNegotiateAsync(HttpContext context, RequestDelegate next)
    {
        var body = context.Response.Body;
        using var buffer = new MemoryStream();
        context.Response.Body = buffer;
        try
        {
            await next(context).ConfigureAwait(false);
        }
        finally
        {
            context.Response.Body = body;
        }
        var answer = buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
        if (context.Response.StatusCode == StatusCodes.Status200OK
            && context.GetEndpoint()?.Metadata.GetMetadata<NegotiateMetadata>() is not null
            && NegotiateResponse.TryTag(answer.Span, own) is { } tagged)
        {
            answer = tagged;
            if (!context.Response.HasStarted)
            {
                context.Response.ContentLength = answer.Length;
            }
        }
        if (answer.Length > 0)
        {
            await body.WriteAsync(answer, context.RequestAborted).ConfigureAwait(false);
        }
    }
}
