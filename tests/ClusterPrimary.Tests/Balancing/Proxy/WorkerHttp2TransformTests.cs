using ClusterHost.Primary.Balancing.Proxy;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace ClusterHost.Primary.Tests.Balancing.Proxy;

public sealed class WorkerHttp2TransformTests
{
    [Fact]
    public void GoesOverHttp2_PlainRequest_True() =>
        Assert.True(WorkerHttp2Transform.GoesOverHttp2(new DefaultHttpContext()));

    [Fact]
    public void GoesOverHttp2_WebSocketUpgrade_False()
    {
        var context = new DefaultHttpContext();
        context.Features.Set<IHttpUpgradeFeature>(new UpgradeFeature(upgradable: true));
        Assert.False(WorkerHttp2Transform.GoesOverHttp2(context));
    }

    [Fact]
    public void GoesOverHttp2_NotUpgradable_True()
    {
        var context = new DefaultHttpContext();
        context.Features.Set<IHttpUpgradeFeature>(new UpgradeFeature(upgradable: false));
        Assert.True(WorkerHttp2Transform.GoesOverHttp2(context));
    }

    private sealed class UpgradeFeature(bool upgradable) : IHttpUpgradeFeature
    {
        public bool IsUpgradableRequest => upgradable;

        public Task<Stream> UpgradeAsync() => throw new NotSupportedException();
    }
}
