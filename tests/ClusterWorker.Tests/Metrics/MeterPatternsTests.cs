using ClusterHost.Metrics;

namespace ClusterHost.Worker.Tests.Metrics;

public sealed class MeterPatternsTests
{
    [Theory]
    [InlineData("MyApp.Orders", true)]
    [InlineData("Microsoft.AspNetCore.Hosting", true)]
    [InlineData("Private.InternalDiagnostics.System.Net.Quic.MsQuic", false)]
    public void Defaults_EveryMeterButTheRuntimesPrivateOnes(string meter, bool collected) =>
        Assert.Equal(collected, MeterPatterns.Defaults.Matches(meter));

    [Theory]
    [InlineData("MyApp.*,-MyApp.Noisy*", "MyApp.Orders", true)]
    [InlineData("MyApp.*,-MyApp.Noisy*", "MyApp.NoisyCache", false)]
    [InlineData("MyApp.*,-MyApp.Noisy*", "System.Runtime", false)]
    [InlineData("-System.Net.*", "System.Runtime", true)]
    [InlineData("-System.Net.*", "System.Net.Http", false)]
    [InlineData(" System.Runtime , Microsoft.*.Kestrel ", "Microsoft.AspNetCore.Server.Kestrel", true)]
    [InlineData("System.Runtime", "system.runtime", false)]
    public void Matches_IncludesUnlessExcluded(string patterns, string meter, bool collected) =>
        Assert.Equal(collected, MeterPatterns.Parse(patterns, out _)!.Matches(meter));

    [Theory]
    [InlineData("MyApp.*,,System.Runtime", "''")]
    [InlineData("-", "'-'")]
    [InlineData("System.[Net]", "'System.[Net]'")]
    [InlineData("My App", "'My App'")]
    public void Parse_BadPattern_NullWithOneLineNamingIt(string patterns, string named)
    {
        Assert.Null(MeterPatterns.Parse(patterns, out var error));
        Assert.StartsWith($"has {named}, which is not a meter pattern", error, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error!);
    }
}
