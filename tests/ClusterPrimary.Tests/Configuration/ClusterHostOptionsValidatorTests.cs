using System.Net;
using ClusterHost.Primary.Configuration;
using Microsoft.Extensions.Configuration;

namespace ClusterHost.Primary.Tests.Configuration;

public sealed class ClusterHostOptionsValidatorTests
{
    private static readonly string ExistingApp = typeof(ClusterHostOptionsValidatorTests).Assembly.Location;

    private static (ClusterHostConfig? Config, List<string> Errors) Load(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => KeyValuePair.Create($"Cluster:{s.Key}", (string?)s.Value)))
            .Build();
        var errors = new List<string>();
        var options = ClusterHostOptionsBinder.Bind(configuration, errors);
        return (ClusterHostOptionsValidator.Validate(options, [], errors), errors);
    }

    [Fact]
    public void ValidSettings_ResolveToAConfig()
    {
        var (config, errors) = Load(("Workers", "3"), ("Urls", "http://127.0.0.1:0;http://[::1]:9000"), ("App", ExistingApp),
            ("Mode", "ReusePort"), ("ShutdownTimeout", "2.5"));

        Assert.Empty(errors);
        Assert.NotNull(config);
        Assert.Equal(3, config.Workers);
        Assert.Equal(TimeSpan.FromSeconds(2.5), config.ShutdownTimeout);
        Assert.Equal([IPAddress.Loopback], config.Urls[0].Addresses);
        Assert.Equal(9000, config.Urls[1].Port);
        Assert.Equal(ExistingApp, config.AppPath);
    }

    [Theory]
    [InlineData("Workers", "0", "--workers must be from 1 to 1024 (got 0)")]
    [InlineData("Workers", "1025", "--workers must be from 1 to 1024 (got 1025)")]
    [InlineData("Workers", "two", "--workers must be a whole number (got 'two')")]
    [InlineData("Mode", "handoff", "--mode must be one of reuseport, proxy (got 'handoff')")]
    [InlineData("ShutdownTimeout", "soon", "--shutdown-timeout must be a number of seconds (got 'soon')")]
    [InlineData("ShutdownTimeout", "3601", "--shutdown-timeout must be from 0 to 3600 seconds (got 3601)")]
    [InlineData("StartTimeout", "0", "--start-timeout must be from 1 to 3600 seconds (got 0)")]
    [InlineData("MaxRestarts", "-1", "--max-restarts must be from 0 to 1000 (got -1)")]
    [InlineData("App", "/no/such/App.dll", "--app file '/no/such/App.dll' does not exist")]
    [InlineData("App", "/etc/hostname", "--app must name the app's .dll (got '/etc/hostname')")]
    [InlineData("Colour", "blue", "unknown setting 'Cluster:Colour'")]
    public void InvalidSetting_IsReportedByName(string key, string value, string expected)
    {
        var (config, errors) = key == "App" ? Load((key, value)) : Load((key, value), ("App", ExistingApp));

        Assert.Null(config);
        Assert.Contains(errors, e => e.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void SeveralInvalidSettings_AreAllReported()
    {
        var (_, errors) = Load(("Workers", "0"), ("Urls", "ftp://x"), ("StartTimeout", "0"), ("App", ExistingApp));

        Assert.Equal(3, errors.Count);
    }
}
