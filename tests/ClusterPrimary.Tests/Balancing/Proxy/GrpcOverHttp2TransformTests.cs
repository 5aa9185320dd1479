using ClusterHost.Primary.Balancing.Proxy;

namespace ClusterHost.Primary.Tests.Balancing.Proxy;

public sealed class GrpcOverHttp2TransformTests
{
    [Theory]
    [InlineData("application/grpc", true)]
    [InlineData("application/grpc+proto", true)]
    [InlineData("APPLICATION/GRPC; charset=utf-8", true)]
    [InlineData("application/grpc-web", false)]
    [InlineData("application/grpc-web-text", false)]
    [InlineData("application/json", false)]
    [InlineData(null, false)]
    public void IsGrpc_TellsGrpcFromGrpcWebAndTheRest(string? contentType, bool expected) =>
        Assert.Equal(expected, GrpcOverHttp2Transform.IsGrpc(contentType));
}
