using System.Runtime.Serialization;
using ClusterHost.Primary.Configuration;
using ClusterHost.Primary.Supervision;
using ClusterHost.Text;

namespace ClusterHost.Primary.Tests.Shared.Text;

public sealed class EnumNamesTests
{
    private enum Sample
    {
        One,
        TwoWords,
        [EnumMember(Value = "custom")]
        ThreeWordsHere,
    }

    [Fact]
    public void All_ListsEveryMemberInDeclarationOrder_KebabCaseOrDeclared() =>
        Assert.Equal(["one", "two-words", "custom"], EnumNames<Sample>.All);

    [Theory]
    [InlineData("two-words", nameof(Sample.TwoWords))]
    [InlineData("TWO-Words", nameof(Sample.TwoWords))]
    [InlineData("  one ", nameof(Sample.One))]
    [InlineData("custom", nameof(Sample.ThreeWordsHere))]
    public void TryParse_AcceptsTheNameInAnyCaseAndTrimmed(string typed, string expected)
    {
        Assert.True(EnumNames<Sample>.TryParse(typed, out var parsed));
        Assert.Equal(Enum.Parse<Sample>(expected), parsed);
    }

    [Theory]
    [InlineData("TwoWords")]
    [InlineData("three-words-here")]
    [InlineData("1")]
    [InlineData("")]
    [InlineData(null)]
    public void TryParse_RejectsMemberNamesNumbersAndNothing(string? typed)
    {
        Assert.False(EnumNames<Sample>.TryParse(typed, out var parsed));
        Assert.Equal(default, parsed);
    }

    [Fact]
    public void ToName_UndeclaredValue_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => EnumNames<Sample>.ToName((Sample)42));

    // The names users type and see in help, errors, logs and metric labels.
    [Fact]
    public void ProductEnums_KeepTheirPublishedNames()
    {
        Assert.Equal(["reuseport", "proxy", "shared", "handoff"], EnumNames<BalancingMode>.All);
        Assert.Equal(["round-robin", "least-requests", "power-of-two", "random"], EnumNames<ProxyBalancePolicy>.All);
        Assert.Equal(["unix", "tcp"], EnumNames<ProxyTransport>.All);
        Assert.Equal(
            ["crash", "start-timeout", "launch-failure", "hung", "memory", "max-requests", "reload", "scale-down"],
            EnumNames<WorkerExitReason>.All);
    }

    [Theory]
    [InlineData(nameof(WorkerSlotState.Starting), "starting")]
    [InlineData(nameof(WorkerSlotState.Ready), "ready")]
    [InlineData(nameof(WorkerSlotState.Backoff), "backoff")]
    [InlineData(nameof(WorkerSlotState.Draining), "draining")]
    [InlineData(nameof(WorkerSlotState.Stopped), "stopped")]
    [InlineData(nameof(WorkerSlotState.GaveUp), "gave-up")]
    public void SlotStates_KeepTheirMetricLabels(string state, string expected) =>
        Assert.Equal(expected, EnumNames<WorkerSlotState>.ToName(Enum.Parse<WorkerSlotState>(state)));
}
