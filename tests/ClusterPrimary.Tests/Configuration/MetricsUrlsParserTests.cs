using System.Net;
using ClusterHost.Primary.Configuration;
using Microsoft.Extensions.Configuration;

namespace ClusterHost.Primary.Tests.Configuration;

public sealed class MetricsUrlsParserTests
{
    private static readonly string ExistingApp = typeof(MetricsUrlsParserTests).Assembly.Location;

    private static (ClusterHostConfig? Config, List<string> Errors) Load(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Append((Key: "App", Value: ExistingApp)).Select(s => KeyValuePair.Create($"Cluster:{s.Key}", (string?)s.Value)))
            .Build();
        var errors = new List<string>();
        var options = ClusterHostOptionsBinder.Bind(configuration, errors);
        return (ClusterHostOptionsValidator.Validate(options, [], errors), errors);
    }

    [Fact]
    public void Default_IsLoopbackPort9464()
    {
        Assert.Equal("http://127.0.0.1:9464", new ClusterHostOptions().MetricsUrls);

        var (config, errors) = Load();

        Assert.Empty(errors);
        var url = Assert.Single(config!.MetricsUrls);
        Assert.Equal(9464, url.Port);
        Assert.Equal([IPAddress.Loopback], url.Addresses);
    }

    [Theory]
    [InlineData("none")]
    [InlineData(" None ")]
    public void None_TurnsTheEndpointOff(string value)
    {
        var (config, errors) = Load(("MetricsUrls", value));

        Assert.Empty(errors);
        Assert.Empty(config!.MetricsUrls);
    }

    [Fact]
    public void SeveralUrlsAndPortZero_AreAccepted()
    {
        var (config, errors) = Load(("MetricsUrls", "http://127.0.0.1:0;http://[::1]:9100"));

        Assert.Empty(errors);
        Assert.Equal([0, 9100], config!.MetricsUrls.Select(u => u.Port));
    }

    [Theory]
    [InlineData("https://127.0.0.1:9464", "--metrics-urls has 'https://127.0.0.1:9464': https is not supported")]
    [InlineData("nonsense", "--metrics-urls has 'nonsense'")]
    [InlineData("", "--metrics-urls names no URL")]
    [InlineData("http://127.0.0.1:8080", "--metrics-urls has 'http://127.0.0.1:8080', which takes the port of --urls 'http://127.0.0.1:8080'")]
    [InlineData("http://*:8080", "which takes the port of --urls")]
    public void InvalidValue_IsReportedNamingTheOption(string value, string expected)
    {
        var (config, errors) = Load(("Urls", "http://127.0.0.1:8080"), ("MetricsUrls", value));

        Assert.Null(config);
        Assert.Contains(errors, e => e.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void SamePortOnAnotherAddress_IsAllowed()
    {
        var (_, errors) = Load(("Urls", "http://127.0.0.1:8080"), ("MetricsUrls", "http://[::1]:8080"));

        Assert.Empty(errors);
    }

    [Fact]
    public void ErrorsOfOtherOptions_StillNameTheirOwnSwitch()
    {
        var (_, errors) = Load(("Urls", "bogus"), ("MetricsUrls", "bogus2"));

        Assert.Contains(errors, e => e.StartsWith("--urls has 'bogus'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("--metrics-urls has 'bogus2'", StringComparison.Ordinal));
    }

    [Fact]
    public void Help_ListsTheOptionWithItsDefault() =>
        Assert.Contains(HelpText.Build().Split('\n'), line => line.Contains("--metrics-urls URL[;URL]", StringComparison.Ordinal)
            && line.Contains("(default: http://127.0.0.1:9464)", StringComparison.Ordinal));
}
