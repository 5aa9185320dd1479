using System.Net;
using ClusterHost.Primary.Configuration;
using ClusterHost.Primary.Platform;
using Microsoft.Extensions.Configuration;

namespace ClusterHost.Primary.Tests.Configuration;

public sealed class ClusterHostOptionsValidatorTests : IDisposable
{
    private static readonly string ExistingApp = typeof(ClusterHostOptionsValidatorTests).Assembly.Location;

    // The default state directory of these tests: never the real one under HOME.
    private readonly string _defaultStateDirectory = Path.Combine(Path.GetTempPath(), $"clusterhost-state-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_defaultStateDirectory))
        {
            Directory.Delete(_defaultStateDirectory, recursive: true);
        }
    }

    private (ClusterHostConfig? Config, List<string> Errors) Load(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => KeyValuePair.Create($"Cluster:{s.Key}", (string?)s.Value)))
            .Build();
        var errors = new List<string>();
        var options = ClusterHostOptionsBinder.Bind(configuration, errors);
        var config = ClusterHostOptionsValidator.Validate(options, [], errors, () => _defaultStateDirectory);
        // As the primary starts: the directories are made once the settings hold.
        if (config is not null && StateDirectorySetup.Prepare(config, isDefault: !settings.Any(s => s.Key == "StateDir")) is { } problem)
        {
            errors.Add(problem);
            config = null;
        }
        return (config, errors);
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
    [InlineData("Mode", "sticky", "--mode must be one of reuseport, proxy, shared, handoff (got 'sticky')")]
    [InlineData("ShutdownTimeout", "soon", "--shutdown-timeout must be a number of seconds (got 'soon')")]
    [InlineData("ShutdownTimeout", "3601", "--shutdown-timeout must be from 0 to 3600 seconds (got 3601)")]
    [InlineData("StartTimeout", "0", "--start-timeout must be from 1 to 3600 seconds (got 0)")]
    [InlineData("MaxRestarts", "-1", "--max-restarts must be from 0 to 1000 (got -1)")]
    [InlineData("RestartDelay", "-0.5", "--restart-delay must be from 0 to 3600 seconds (got -0.5)")]
    [InlineData("RestartDelay", "3601", "--restart-delay must be from 0 to 3600 seconds (got 3601)")]
    [InlineData("RestartDelay", "later", "--restart-delay must be a number of seconds (got 'later')")]
    [InlineData("Standby", "-1", "--standby must be from 0 to 16 (got -1)")]
    [InlineData("Standby", "17", "--standby must be from 0 to 16 (got 17)")]
    [InlineData("Standby", "one", "--standby must be a whole number (got 'one')")]
    [InlineData("App", "/no/such/App.dll", "--app file '/no/such/App.dll' does not exist")]
    [InlineData("App", "/etc/passwd", "--app must name the app's .dll or its apphost executable (got '/etc/passwd'")]
    [InlineData("App", "/etc", "--app '/etc' is a directory")]
    [InlineData("Cwd", "/no/such/dir", "--cwd directory '/no/such/dir' does not exist")]
    [InlineData("Cwd", "/etc/hostname", "--cwd '/etc/hostname' is a file, not a directory")]
    [InlineData("StateDir", "/etc/hostname", "--state-dir '/etc/hostname' is a file, not a directory")]
    [InlineData("StateDir", "/proc/clusterhost", "--state-dir '/proc/clusterhost' cannot be")]
    [InlineData("Colour", "blue", "unknown setting 'Cluster:Colour'")]
    public void InvalidSetting_IsReportedByName(string key, string value, string expected)
    {
        var (config, errors) = key == "App" ? Load((key, value)) : Load((key, value), ("App", ExistingApp));

        Assert.Null(config);
        Assert.Contains(errors, e => e.StartsWith(expected, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("reuseport", "--mode reuseport cannot serve the sockets systemd passed (LISTEN_FDS=2): SO_REUSEPORT cannot be added to a listening socket; use --mode shared (or handoff, or proxy)")]
    [InlineData("shared", null)]
    [InlineData("handoff", null)]
    [InlineData("proxy", null)]
    public void PassedSockets_AreServedInSharedHandoffAndProxyMode_NotInReusePort(string mode, string? expected)
    {
        var options = new ClusterHostOptions { Mode = Enum.Parse<BalancingMode>(mode, ignoreCase: true), App = ExistingApp };
        var activation = new SocketActivation { Descriptors = [3, 4], Names = ["", ""] };
        var errors = new List<string>();

        var config = ClusterHostOptionsValidator.Validate(options, [], errors, () => _defaultStateDirectory, activation);

        if (expected is null)
        {
            Assert.Empty(errors);
            Assert.Same(activation, config!.Activation);
        }
        else
        {
            Assert.Null(config);
            Assert.Equal(expected, Assert.Single(errors));
        }
    }

    [Fact]
    public void SeveralInvalidSettings_AreAllReported()
    {
        var (_, errors) = Load(("Workers", "0"), ("Urls", "ftp://x"), ("StartTimeout", "0"), ("App", ExistingApp));

        Assert.Equal(3, errors.Count);
    }

    [Fact]
    public void WorkingDirectory_DefaultsToTheLaunchDirectory_ForAnAppTheUserNames()
    {
        var (config, errors) = Load(("App", ExistingApp));

        Assert.Empty(errors);
        Assert.Equal(Directory.GetCurrentDirectory(), config!.WorkingDirectory);
        Assert.Equal(Directory.GetCurrentDirectory(), ClusterHostOptionsValidator.DefaultWorkingDirectory(ExistingApp));
    }

    [Fact]
    public void WorkingDirectory_DefaultsToTheSampleFolder_ForTheBuiltInSample() =>
        Assert.Equal(Path.GetDirectoryName(ClusterHostOptionsValidator.DefaultAppPath),
            ClusterHostOptionsValidator.DefaultWorkingDirectory(ClusterHostOptionsValidator.DefaultAppPath));

    [Fact]
    public void WorkingDirectory_Relative_ResolvesAgainstTheLaunchDirectory()
    {
        var (config, errors) = Load(("App", ExistingApp), ("Cwd", "."));

        Assert.Empty(errors);
        Assert.Equal(Directory.GetCurrentDirectory(), config!.WorkingDirectory);
    }

    [Fact]
    public void App_MayBeAnApphostExecutable()
    {
        var apphost = Path.Combine(_defaultStateDirectory, "App");
        Directory.CreateDirectory(_defaultStateDirectory);
        File.WriteAllBytes(apphost, [0x7f, (byte)'E', (byte)'L', (byte)'F']);
        File.SetUnixFileMode(apphost, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        var (config, errors) = Load(("App", apphost));

        Assert.Empty(errors);
        Assert.Equal(apphost, config!.AppPath);
    }

    [Fact]
    public void StateDirectory_Default_IsCreatedPrivate_WithTheAppsKeyDirectory()
    {
        var (config, errors) = Load(("App", ExistingApp));

        Assert.Empty(errors);
        Assert.Equal(_defaultStateDirectory, config!.StateDirectory);
        Assert.Equal(Path.Combine(_defaultStateDirectory, "keys", "ClusterPrimary.Tests"), config.KeyDirectory);
        Assert.Equal(StateDirectory.PrivateMode, File.GetUnixFileMode(_defaultStateDirectory));
        Assert.Equal(StateDirectory.PrivateMode, File.GetUnixFileMode(Path.GetDirectoryName(config.KeyDirectory)!));
        Assert.Equal(StateDirectory.PrivateMode, File.GetUnixFileMode(config.KeyDirectory!));
    }

    [Fact]
    public void KeyDirectory_HoldsOneActiveKey_BeforeAnyWorkerStarts_EvenAfterManyStarts()
    {
        var (config, _) = Load(("App", ExistingApp));
        var (again, errors) = Load(("App", ExistingApp));

        Assert.Empty(errors);
        Assert.Equal(config!.KeyDirectory, again!.KeyDirectory);
        Assert.Single(Directory.GetFiles(config.KeyDirectory!, "key-*.xml"));
    }

    [Fact]
    public void StateDirectory_DefaultThatExistsOpen_IsMadePrivate()
    {
        Directory.CreateDirectory(_defaultStateDirectory);
        File.SetUnixFileMode(_defaultStateDirectory, (UnixFileMode)0x1ff);

        var (_, errors) = Load(("App", ExistingApp));

        Assert.Empty(errors);
        Assert.Equal(StateDirectory.PrivateMode, File.GetUnixFileMode(_defaultStateDirectory));
    }

    [Fact]
    public void StateDirectory_GivenAndExisting_KeepsItsMode_ButTheKeyDirectoryIsPrivate()
    {
        var given = Path.Combine(_defaultStateDirectory, "given");
        Directory.CreateDirectory(given);
        const UnixFileMode open = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
        File.SetUnixFileMode(given, open);

        var (config, errors) = Load(("App", ExistingApp), ("StateDir", given));

        Assert.Empty(errors);
        Assert.Equal(given, config!.StateDirectory);
        Assert.Equal(open, File.GetUnixFileMode(given));
        Assert.Equal(StateDirectory.PrivateMode, File.GetUnixFileMode(config.KeyDirectory!));
    }

    [Fact]
    public void StateDirectory_IsNotCreated_WhenAnotherSettingIsInvalid()
    {
        var (config, _) = Load(("App", ExistingApp), ("Workers", "0"));

        Assert.Null(config);
        Assert.False(Directory.Exists(_defaultStateDirectory));
    }
}
