using ClusterHost.Primary.Operator;

namespace ClusterHost.Primary.Tests.Operator;

public sealed class OperatorCommandsTests
{
    [Theory]
    [InlineData("3", 2, 3)]
    [InlineData("+1", 2, 3)]
    [InlineData("-1", 2, 1)]
    [InlineData(" +2 ", 1, 3)]
    [InlineData("-3", 2, -1)]
    public void ParseTarget_AbsoluteOrRelative_GivesTheTarget(string text, int current, int expected) =>
        Assert.Equal(expected, OperatorCommands.ParseTarget(text, current));

    [Theory]
    [InlineData("")]
    [InlineData("three")]
    [InlineData("1.5")]
    [InlineData("+-1")]
    public void ParseTarget_NotACount_IsNull(string text) =>
        Assert.Null(OperatorCommands.ParseTarget(text, 2));
}
