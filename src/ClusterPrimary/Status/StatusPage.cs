using System.Globalization;
using System.Text.Json;
using ClusterHost.Primary.Operator;
using Microsoft.AspNetCore.Http;

namespace ClusterHost.Primary.Status;

/// <summary>
/// The live status page on the metrics listener: <c>GET /status</c>, one HTML file with its
/// script and styles inline (no framework, no CDN: it works offline), which polls
/// <c>GET /status/data?since=MS&amp;after=SEQ</c> every second for the status, the samples newer
/// than <c>since</c> and the events after <c>after</c>.
/// </summary>
internal sealed class StatusPage(ClusterStatusSource source, StatusSampler sampler)
{
    public const string Path = "/status";
    public const string DataPath = "/status/data";

    private static readonly Lazy<byte[]> Html = new(() =>
    {
        using var stream = typeof(StatusPage).Assembly.GetManifestResourceStream("ClusterHost.Primary.Status.status.html")
            ?? throw new InvalidOperationException("the status page is not embedded");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    });

    /// <summary>Answers <see cref="Path"/> and <see cref="DataPath"/>; passes anything else on.</summary>
    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var request = context.Request;
        var path = request.Path;
        if (path != Path && path != DataPath)
        {
            await next(context).ConfigureAwait(false);
            return;
        }
        var response = context.Response;
        if (!HttpMethods.IsGet(request.Method))
        {
            response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            response.Headers.Allow = "GET";
            return;
        }
        response.Headers.CacheControl = "no-store";
        if (path == Path)
        {
            response.ContentType = "text/html; charset=utf-8";
            response.ContentLength = Html.Value.Length;
            await response.Body.WriteAsync(Html.Value, context.RequestAborted).ConfigureAwait(false);
            return;
        }

        var since = long.TryParse(request.Query["since"], NumberStyles.Integer, CultureInfo.InvariantCulture, out var ms) ? ms : 0;
        var after = long.TryParse(request.Query["after"], NumberStyles.Integer, CultureInfo.InvariantCulture, out var seq) ? seq : 0;
        var status = source.Build(withEvents: false) with { Events = source.Events(after) };
        var data = new StatusPageData(status, sampler.History(since));
        response.ContentType = "application/json; charset=utf-8";
        await JsonSerializer.SerializeAsync(response.Body, data, OperatorJsonContext.Default.StatusPageData, context.RequestAborted).ConfigureAwait(false);
    }
}
