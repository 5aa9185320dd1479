using System.Net;
using ClusterHost.Control;
using ClusterHost.Worker.Internal;

namespace ClusterHost.Worker.Tests.Internal;

public sealed class WorkerEnvironmentTests
{
    private static Dictionary<string, string?> Valid() => new()
    {
        [WorkerEnvironmentVariables.Control] = "@clusterhost-1-abc",
        [WorkerEnvironmentVariables.Token] = "secret",
        [WorkerEnvironmentVariables.WorkerId] = "1",
        [WorkerEnvironmentVariables.WorkerCount] = "2",
        [WorkerEnvironmentVariables.ListenMode] = WorkerListenModes.ReusePort,
        [WorkerEnvironmentVariables.Listen] = "127.0.0.1:8080;[::1]:8080",
        [WorkerEnvironmentVariables.ShutdownTimeoutMs] = "30000",
    };

    [Fact]
    public void WithoutAPrimary_ThereIsNoWorkerEnvironment_AndNothingIsCleared()
    {
        var cleared = new List<string>();

        var environment = WorkerEnvironment.ReadAndClear(_ => null, (name, _) => cleared.Add(name));

        Assert.Null(environment);
        Assert.Empty(cleared);
    }

    [Fact]
    public void UnderAPrimary_VariablesAreParsed_ThenRemovedFromTheEnvironment_ButTheWorkerIdAndCount()
    {
        var values = Valid();

        var environment = WorkerEnvironment.ReadAndClear(name => values.GetValueOrDefault(name), (name, value) => values[name] = value);

        Assert.NotNull(environment);
        Assert.Equal(1, environment.WorkerId);
        Assert.Equal(2, environment.WorkerCount);
        Assert.Equal(TimeSpan.FromSeconds(30), environment.ShutdownTimeout);
        Assert.Equal([IPEndPoint.Parse("127.0.0.1:8080"), IPEndPoint.Parse("[::1]:8080")], environment.Endpoints);
        Assert.All(WorkerEnvironmentVariables.All.Except(WorkerEnvironmentVariables.KeptForTheApp), name => Assert.Null(values[name]));
        Assert.Equal("1", values[WorkerEnvironmentVariables.WorkerId]);
        Assert.Equal("2", values[WorkerEnvironmentVariables.WorkerCount]);
    }
    [Theory]
    [InlineData(WorkerListenModes.Tcp, "127.0.0.1:40000", true)]
    [InlineData(WorkerListenModes.Unix, "/run/user/1000/clusterhost-1-ab/w1-1.sock", true)]
    [InlineData(WorkerListenModes.ReusePort, "127.0.0.1:8080", false)]
    public void ProxyListenModes_AreParsed_AndKnownToBeBehindTheProxy(string mode, string listen, bool behindProxy)
    {
        var values = Valid();
        values[WorkerEnvironmentVariables.ListenMode] = mode;
        values[WorkerEnvironmentVariables.Listen] = listen;

        var environment = WorkerEnvironment.Parse(values);

        Assert.Equal(behindProxy, WorkerListenModes.IsBehindProxy(environment.ListenMode));
        if (mode == WorkerListenModes.Unix)
        {
            Assert.Equal(listen, environment.UnixSocketPath);
        }
        else
        {
            Assert.Equal([IPEndPoint.Parse(listen)], environment.Endpoints);
        }
    }

    [Fact]
    public void InheritedListenMode_GivesTheDescriptorNumbers_AndIsNotBehindTheProxy()
    {
        var values = Valid();
        values[WorkerEnvironmentVariables.ListenMode] = WorkerListenModes.Inherited;
        values[WorkerEnvironmentVariables.Listen] = "3;4";

        var environment = WorkerEnvironment.Parse(values);

        Assert.Equal([3, 4], environment.InheritedDescriptors);
        Assert.False(WorkerListenModes.IsBehindProxy(environment.ListenMode));
    }

    [Fact]
    public void HandoffListenMode_GivesTheEndpointsInIndexOrder_AndTheHandoffSocket()
    {
        var values = Valid();
        values[WorkerEnvironmentVariables.ListenMode] = WorkerListenModes.Handoff;
        values[WorkerEnvironmentVariables.Listen] = "127.0.0.1:8080;[::1]:8443";
        values[WorkerEnvironmentVariables.Handoff] = "@clusterhost-1-handoff-ab TOKEN";

        var environment = WorkerEnvironment.Parse(values);

        Assert.Equal([IPEndPoint.Parse("127.0.0.1:8080"), IPEndPoint.Parse("[::1]:8443")], environment.Endpoints);
        Assert.Equal("@clusterhost-1-handoff-ab TOKEN", environment.Handoff);
        Assert.False(WorkerListenModes.IsBehindProxy(environment.ListenMode));
    }

    [Fact]
    public void HandoffListenMode_WithoutTheHandoffSocket_IsAnError()
    {
        var values = Valid();
        values[WorkerEnvironmentVariables.ListenMode] = WorkerListenModes.Handoff;

        var error = Assert.Throws<InvalidOperationException>(() => WorkerEnvironment.Parse(values));

        Assert.Contains(WorkerEnvironmentVariables.Handoff, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2", "is not a descriptor number of 3 or more")]
    [InlineData("3;x", "'x', which is not a descriptor number")]
    [InlineData(";", "names no descriptor")]
    public void InheritedListenMode_MalformedDescriptors_AreNamedInTheError(string listen, string expected)
    {
        var values = Valid();
        values[WorkerEnvironmentVariables.ListenMode] = WorkerListenModes.Inherited;
        values[WorkerEnvironmentVariables.Listen] = listen;

        var error = Assert.Throws<InvalidOperationException>(() => WorkerEnvironment.Parse(values));

        Assert.Contains(WorkerEnvironmentVariables.Listen, error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(WorkerEnvironmentVariables.WorkerId, "2", "must be a whole number from 0 to 1")]
    [InlineData(WorkerEnvironmentVariables.Token, "", "is missing")]
    [InlineData(WorkerEnvironmentVariables.ListenMode, "carrier-pigeon", "must be 'reuseport', 'unix' or 'tcp'")]
    [InlineData(WorkerEnvironmentVariables.Listen, "somewhere", "is not an IP endpoint")]
    public void MalformedVariable_IsNamedInTheError(string name, string value, string expected)
    {
        var values = Valid();
        values[name] = value;

        var error = Assert.Throws<InvalidOperationException>(() => WorkerEnvironment.Parse(values));

        Assert.Contains(name, error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TlsVariables_MarkTheHttpsEndpoints_AndCarryTheCertificateAndProtocols()
    {
        var values = Valid();
        values[WorkerEnvironmentVariables.HttpsListen] = "[::1]:8080";
        values[WorkerEnvironmentVariables.Certificate] = "/etc/ssl/site.pem";
        values[WorkerEnvironmentVariables.CertificateKey] = "/etc/ssl/site.key";
        values[WorkerEnvironmentVariables.Protocols] = "http2";

        var environment = WorkerEnvironment.Parse(values);

        Assert.True(environment.IsHttps(IPEndPoint.Parse("[::1]:8080")));
        Assert.False(environment.IsHttps(IPEndPoint.Parse("127.0.0.1:8080")));
        Assert.Equal(new ClusterHost.Tls.CertificateFiles("/etc/ssl/site.pem", "/etc/ssl/site.key", null), environment.Certificate);
        Assert.Equal(ClusterHost.Tls.ListenProtocols.Http2, environment.Protocols);
    }

    [Fact]
    public void WithoutTlsVariables_NothingIsHttps_AndBothVersionsAreServed()
    {
        var environment = WorkerEnvironment.Parse(Valid());

        Assert.Empty(environment.HttpsEndpoints);
        Assert.Null(environment.Certificate);
        Assert.Equal(ClusterHost.Tls.ListenProtocols.Http1And2, environment.Protocols);
    }

    [Fact]
    public void AffinityVariables_GiveTheGenerationAndTheDirectory_AndWithoutThemThereIsNoAffinity()
    {
        var values = Valid();
        Assert.Null(WorkerEnvironment.Parse(values).AffinityDirectory);
        Assert.Equal(0, WorkerEnvironment.Parse(values).Generation);

        values[WorkerEnvironmentVariables.Generation] = "12";
        values[WorkerEnvironmentVariables.AffinityDirectory] = "/run/user/1000/clusterhost-1-ab";
        var environment = WorkerEnvironment.Parse(values);

        Assert.Equal(12, environment.Generation);
        Assert.Equal("/run/user/1000/clusterhost-1-ab", environment.AffinityDirectory);
    }

    [Fact]
    public void MalformedGeneration_IsNamedInTheError()
    {
        var values = Valid();
        values[WorkerEnvironmentVariables.Generation] = "-1";

        var error = Assert.Throws<InvalidOperationException>(() => WorkerEnvironment.Parse(values));

        Assert.Contains(WorkerEnvironmentVariables.Generation, error.Message, StringComparison.Ordinal);
    }
}
