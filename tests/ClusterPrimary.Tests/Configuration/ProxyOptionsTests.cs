using ClusterHost.Primary.Configuration;
using Microsoft.Extensions.Configuration;

namespace ClusterHost.Primary.Tests.Configuration;

public sealed class ProxyOptionsTests
{
    private static readonly string ExistingApp = typeof(ProxyOptionsTests).Assembly.Location;

    private static (ClusterHostConfig? Config, List<string> Errors) Load(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Append(("App", ExistingApp)).Select(s => KeyValuePair.Create($"Cluster:{s.Item1}", (string?)s.Item2)))
            .Build();
        var errors = new List<string>();
        var options = ClusterHostOptionsBinder.Bind(configuration, errors);
        return (ClusterHostOptionsValidator.Validate(options, [], errors), errors);
    }

    [Theory]
    [InlineData("round-robin", nameof(ProxyBalancePolicy.RoundRobin))]
    [InlineData("least-requests", nameof(ProxyBalancePolicy.LeastRequests))]
    [InlineData("power-of-two", nameof(ProxyBalancePolicy.PowerOfTwo))]
    [InlineData("Random", nameof(ProxyBalancePolicy.Random))]
    public void Balance_AcceptsEveryDocumentedName(string value, string expected)
    {
        var (config, errors) = Load(("Mode", "proxy"), ("Balance", value));

        Assert.Empty(errors);
        Assert.Equal(BalancingMode.Proxy, config!.Mode);
        Assert.Equal(Enum.Parse<ProxyBalancePolicy>(expected), config.Balance);
    }

    [Theory]
    [InlineData("unix", nameof(ProxyTransport.Unix))]
    [InlineData("tcp", nameof(ProxyTransport.Tcp))]
    public void ProxyTransport_AcceptsEveryDocumentedName(string value, string expected)
    {
        var (config, errors) = Load(("Mode", "proxy"), ("ProxyTransport", value));

        Assert.Empty(errors);
        Assert.Equal(Enum.Parse<ProxyTransport>(expected), config!.ProxyTransport);
    }

    [Theory]
    [InlineData("Balance", "fastest", "--balance must be one of round-robin, least-requests, power-of-two, random (got 'fastest')")]
    [InlineData("Balance", "", "--balance must be one of round-robin, least-requests, power-of-two, random (got '')")]
    [InlineData("ProxyTransport", "udp", "--proxy-transport must be one of unix, tcp (got 'udp')")]
    public void InvalidValue_IsReportedByName(string key, string value, string expected)
    {
        var (config, errors) = Load(("Mode", "proxy"), (key, value));

        Assert.Null(config);
        Assert.Equal(expected, Assert.Single(errors));
    }

    [Fact]
    public void CommandLineSwitches_AreInTheOptionTable()
    {
        var commandLine = ClusterCommandLine.Parse(["--mode", "proxy", "--balance", "least-requests", "--proxy-transport=tcp"]);

        Assert.Empty(commandLine.Errors);
        Assert.Equal("least-requests", commandLine.Settings["Cluster:Balance"]);
        Assert.Equal("tcp", commandLine.Settings["Cluster:ProxyTransport"]);
        var help = HelpText.Build();
        Assert.Contains("--balance POLICY", help, StringComparison.Ordinal);
        Assert.Contains("(default: round-robin)", help, StringComparison.Ordinal);
        Assert.Contains("--proxy-transport TRANSPORT", help, StringComparison.Ordinal);
        Assert.Contains("(default: unix)", help, StringComparison.Ordinal);
    }
}
