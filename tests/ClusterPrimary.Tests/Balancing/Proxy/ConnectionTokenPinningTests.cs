using ClusterHost.Primary.Balancing.Proxy;
using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.Model;

namespace ClusterHost.Primary.Tests.Balancing.Proxy;

public sealed class ConnectionTokenPinningTests
{
    private static readonly DestinationState[] Workers = [new("w0-1"), new("w1-4"), new("w2-2")];

    [Fact]
    public async Task InvokeAsync_TokenTaggedByALaunchInRotation_LeavesOnlyThatLaunch()
    {
        var (context, feature) = Request("?id=ch1-4.tok456");

        await new ConnectionTokenPinning(_ => Task.CompletedTask).InvokeAsync(context);

        Assert.Equal(["w1-4"], feature.AvailableDestinations.Select(d => d.DestinationId));
    }

    [Theory]
    [InlineData("?id=ch1-3.tok456")] // an older launch of slot 1: draining or gone
    [InlineData("?id=tok456")]
    [InlineData("")]
    public async Task InvokeAsync_NoTokenOfALaunchInRotation_BalancesAsUsual(string query)
    {
        var (context, feature) = Request(query);

        await new ConnectionTokenPinning(_ => Task.CompletedTask).InvokeAsync(context);

        Assert.Equal(["w0-1", "w1-4", "w2-2"], feature.AvailableDestinations.Select(d => d.DestinationId));
    }

    private static (DefaultHttpContext Context, ReverseProxyFeature Feature) Request(string query)
    {
        var context = new DefaultHttpContext();
        context.Request.Path = "/chat";
        context.Request.QueryString = new QueryString(query);
        var feature = new ReverseProxyFeature { AvailableDestinations = Workers, AllDestinations = Workers };
        context.Features.Set<IReverseProxyFeature>(feature);
        return (context, feature);
    }
}
