using ClusterHost.LoadTests.Reports;

namespace ClusterHost.LoadTests.Tests.Reports;

public sealed class FormatTests
{
    [Theory]
    [InlineData(0.44, "0.4 ms")]
    [InlineData(4.2, "4.2 ms")]
    [InlineData(38.4, "38 ms")]
    [InlineData(999.4, "999 ms")]
    [InlineData(2000, "2.0 s")]
    [InlineData(3012, "3.0 s")]
    public void Duration_ReadsAtAGlance(double ms, string expected) => Assert.Equal(expected, Format.Duration(ms));

    [Fact]
    public void Workers_OneOrSeveral()
    {
        Assert.Equal("worker 2", Format.Workers([2]));
        Assert.Equal("workers 0,2,3", Format.Workers([3, 0, 2]));
    }
}
