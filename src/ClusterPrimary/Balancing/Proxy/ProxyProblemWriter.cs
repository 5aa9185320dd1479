using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace ClusterHost.Primary.Balancing.Proxy;

/// <summary>
/// The body of the proxy's own 502, 503 and 504 answers: a short RFC 9457 problem
/// (<c>application/problem+json</c>) saying what happened, with a <c>cause</c> member that is
/// the label <c>clusterhost_proxy_errors_total</c> counts it under.
/// </summary>
internal static class ProxyProblemWriter
{
    public const string ContentType = "application/problem+json";

    public static int StatusOf(ProxyFailure cause) => cause switch
    {
        ProxyFailure.Timeout => StatusCodes.Status504GatewayTimeout,
        ProxyFailure.NoWorker => StatusCodes.Status503ServiceUnavailable,
        _ => StatusCodes.Status502BadGateway,
    };

    public static async Task WriteAsync(HttpContext context, ProxyFailure cause, string detail)
    {
        var status = StatusOf(cause);
        var response = context.Response;
        response.Clear();
        response.StatusCode = status;
        response.ContentType = ContentType;
        response.Headers.CacheControl = "no-store";
        using var body = new MemoryStream();
        using (var json = new Utf8JsonWriter(body))
        {
            json.WriteStartObject();
            json.WriteString("type", "about:blank");
            json.WriteString("title", ReasonPhrases.GetReasonPhrase(status));
            json.WriteNumber("status", status);
            json.WriteString("detail", detail);
            json.WriteString("cause", ProxyFailures.Label(cause));
            json.WriteEndObject();
        }
        response.ContentLength = body.Length;
        await response.Body.WriteAsync(body.GetBuffer().AsMemory(0, (int)body.Length), context.RequestAborted).ConfigureAwait(false);
    }
}
