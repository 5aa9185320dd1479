using System.Diagnostics.Metrics;
using System.Text;
using ClusterHost.SignalR;
using ClusterHost.Worker.SignalR;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace ClusterHost.Worker.Tests.SignalR;

public sealed class ConnectionAffinityTests : IDisposable
{
    private const string Negotiated = """{"negotiateVersion":1,"connectionId":"id123","connectionToken":"tok456","availableTransports":[]}""";

    private static readonly ConnectionTokenTag Own = new(0, 7);

    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly string _directory = Directory.CreateTempSubdirectory("affinity-test-").FullName;
    private readonly ConnectionAffinity _affinity;

    public ConnectionAffinityTests()
    {
        var forwarder = new OwnerForwarder(_directory, new AffinityMetrics(_services.GetRequiredService<IMeterFactory>()), NullLogger<OwnerForwarder>.Instance);
        _affinity = new ConnectionAffinity(Own, _directory, forwarder);
    }

    [Fact]
    public async Task InvokeAsync_ThisLaunchsToken_GoesOnWithoutTheTag()
    {
        var context = Request("GET", "/chat", "?id=ch0-7.tok456&other=1");
        string? seen = null;

        await _affinity.InvokeAsync(context, c =>
        {
            seen = c.Request.Query["id"];
            return Task.CompletedTask;
        });

        Assert.Equal("tok456", seen);
        Assert.Equal("?id=tok456&other=1", context.Request.QueryString.Value);
    }

    [Fact]
    public async Task InvokeAsync_SignalRsNegotiate_TagsTheTokenAndFixesTheLength()
    {
        var context = Request("POST", "/chat/negotiate", "?negotiateVersion=1");

        await _affinity.InvokeAsync(context, c => Answer(c, Negotiated, new NegotiateMetadata()));

        var body = Body(context);
        Assert.Contains("\"connectionToken\":\"ch0-7.tok456\"", body);
        Assert.Equal(Encoding.UTF8.GetByteCount(body), context.Response.ContentLength);
    }

    [Fact]
    public async Task InvokeAsync_AnotherEndpointNamedNegotiate_PassesThroughUnchanged()
    {
        var context = Request("POST", "/api/negotiate", "");

        await _affinity.InvokeAsync(context, c => Answer(c, Negotiated));

        Assert.Equal(Negotiated, Body(context));
    }

    [Fact]
    public async Task InvokeAsync_TokenOfALaunchThatIsGone_Answers404AsSignalRDoes()
    {
        var context = Request("GET", "/chat", "?id=ch1-3.tok456");
        var reachedApp = false;

        await _affinity.InvokeAsync(context, _ =>
        {
            reachedApp = true;
            return Task.CompletedTask;
        });

        Assert.False(reachedApp);
        Assert.Equal(StatusCodes.Status404NotFound, context.Response.StatusCode);
        Assert.Equal("No Connection with that ID", Body(context));
    }

    [Fact]
    public void SocketPath_IsThisLaunchsSocketInTheDirectory() =>
        Assert.Equal(Path.Combine(_directory, "a0-7.sock"), _affinity.SocketPath);

    private static DefaultHttpContext Request(string method, string path, string query)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = method;
        context.Request.Path = path;
        context.Request.QueryString = new QueryString(query);
        context.Request.Host = new HostString("localhost");
        context.Response.Body = new MemoryStream();
        return context;
    }

    private static async Task Answer(HttpContext context, string json, params object[] metadata)
    {
        context.SetEndpoint(new Endpoint(null, new EndpointMetadataCollection(metadata), "test"));
        var bytes = Encoding.UTF8.GetBytes(json);
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = bytes.Length;
        await context.Response.Body.WriteAsync(bytes);
    }

    private static string Body(HttpContext context) => Encoding.UTF8.GetString(((MemoryStream)context.Response.Body).ToArray());

    public void Dispose()
    {
        _services.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
