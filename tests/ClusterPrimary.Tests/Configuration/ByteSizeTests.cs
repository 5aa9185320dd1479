using ClusterHost.Primary.Configuration;

namespace ClusterHost.Primary.Tests.Configuration;

public sealed class ByteSizeTests
{
    [Theory]
    [InlineData("512MB", 512L * 1024 * 1024)]
    [InlineData("512 mb", 512L * 1024 * 1024)]
    [InlineData("800M", 800L * 1024 * 1024)]
    [InlineData("2GB", 2L * 1024 * 1024 * 1024)]
    [InlineData("1.5GiB", 1536L * 1024 * 1024)]
    [InlineData("1048576", 1024L * 1024)]
    public void Sizes_Parse(string text, long expected)
    {
        Assert.True(ByteSize.TryParse(text, out var bytes));
        Assert.Equal(expected, bytes);
    }

    [Theory]
    [InlineData("lots")]
    [InlineData("-5MB")]
    [InlineData("100KB")]
    [InlineData("12XB")]
    public void BadOrTinySizes_AreRejected(string text) => Assert.False(ByteSize.TryParse(text, out _));
}
