using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using ClusterHost.FunctionalTests.Infrastructure;
using ClusterHost.FunctionalTests.Metrics;
using Xunit.Abstractions;
using YamlDotNet.RepresentationModel;

namespace ClusterHost.FunctionalTests.Deployment;

/// <summary>
/// The files in deploy/ checked with the tools there are here: systemd's own verifier, a YAML
/// parser. No Docker engine or Kubernetes cluster runs here.
/// </summary>
public sealed class DeploymentFilesTests(ITestOutputHelper output)
{
    /// <summary>The primary's default drain budget (--shutdown-timeout) and its own margin on top (ClusterHostApp).</summary>
    private const int DrainSeconds = 30;
    private const int PrimaryMarginSeconds = 10;

    private static string Deploy(params string[] path) => Path.Combine([RepoPaths.Root, "deploy", .. path]);

    [Fact]
    public void SystemdUnits_PassSystemdAnalyzeVerify_AndSayWhatTheServiceNeeds()
    {
        var analyze = RequiredTool.Find("systemd-analyze", "systemd");
        using var directory = new TempDirectory();
        // verify checks that ExecStart's program exists: the built primary stands in for the installed tool.
        var service = File.ReadAllText(Deploy("systemd", "clusterhost.service"));
        File.WriteAllText(directory.File("clusterhost.service"), service
            .Replace("/opt/clusterhost/clusterhost", Path.ChangeExtension(TestPaths.Primary, null), StringComparison.Ordinal)
            .Replace("WorkingDirectory=/opt/myapp", $"WorkingDirectory={directory.Path}", StringComparison.Ordinal));
        File.Copy(Deploy("systemd", "clusterhost.socket"), directory.File("clusterhost.socket"));

        var (exitCode, text) = Run(analyze, directory.Path, "verify", "clusterhost.service", "clusterhost.socket");
        output.WriteLine(text);
        Assert.Equal(0, exitCode);
        Assert.Equal("", text.Trim());

        var settings = Settings(service);
        Assert.Equal("notify", settings["Type"]);
        Assert.Contains("--mode shared", settings["ExecStart"], StringComparison.Ordinal);
        Assert.Equal("on-failure", settings["Restart"]);
        Assert.Equal("mixed", settings["KillMode"]);
        Assert.True(int.Parse(settings["WatchdogSec"], CultureInfo.InvariantCulture) > 0);
        Assert.True(int.Parse(settings["TimeoutStopSec"], CultureInfo.InvariantCulture) > DrainSeconds + PrimaryMarginSeconds);
        Assert.Equal("yes", settings["NoNewPrivileges"]);
        Assert.Equal("strict", settings["ProtectSystem"]);
        Assert.Equal("yes", settings["PrivateTmp"]);
        Assert.Equal("no", Settings(File.ReadAllText(Deploy("systemd", "clusterhost.socket")))["ReusePort"]);
    }

    [Fact]
    public void KubernetesManifest_Parses_ProbesTheReadyEndpoint_AndOutwaitsTheDrain()
    {
        var yaml = new YamlStream();
        using (var reader = new StreamReader(Deploy("kubernetes", "clusterhost.yaml")))
        {
            yaml.Load(reader);
        }
        var kinds = yaml.Documents.Select(d => Scalar(d.RootNode, "kind")).ToList();
        Assert.Equal(["Deployment", "Service", "PodDisruptionBudget"], kinds);

        var deployment = yaml.Documents[0].RootNode;
        var pod = Node(deployment, "spec", "template");
        var annotations = (YamlMappingNode)Node(pod, "metadata", "annotations");
        Assert.Equal("true", Scalar(annotations, "prometheus.io/scrape"));
        Assert.Equal("9464", Scalar(annotations, "prometheus.io/port"));
        Assert.Equal("/metrics", Scalar(annotations, "prometheus.io/path"));

        var container = ((YamlSequenceNode)Node(pod, "spec", "containers")).Children[0];
        Assert.Equal("/ready", Scalar(container, "readinessProbe", "httpGet", "path"));
        Assert.Equal(["sleep", "5"], ((YamlSequenceNode)Node(container, "lifecycle", "preStop", "exec", "command")).Children.Select(c => ((YamlScalarNode)c).Value));
        var grace = int.Parse(Scalar(pod, "spec", "terminationGracePeriodSeconds"), CultureInfo.InvariantCulture);
        Assert.True(grace > 5 + DrainSeconds + PrimaryMarginSeconds, $"terminationGracePeriodSeconds {grace}");
        var environment = ((YamlSequenceNode)Node(container, "env")).Children.ToDictionary(e => Scalar(e, "name"), e => Scalar(e, "value"));
        Assert.Equal("shared", environment["Cluster__Mode"]);
        Assert.Equal(DrainSeconds.ToString(CultureInfo.InvariantCulture), environment["Cluster__ShutdownTimeout"]);
        Assert.Equal("http://0.0.0.0:9464", environment["Cluster__MetricsUrls"]);
        Assert.DoesNotContain("Cluster__Workers", environment.Keys);
    }

    [Fact]
    public void Dockerfile_IsMultiStage_RunsTheToolAndAnApp_AsANonRootUser_AndIsDocumented()
    {
        var lines = File.ReadAllLines(Deploy("docker", "Dockerfile")).Where(l => !l.TrimStart().StartsWith('#')).ToList();
        Assert.Equal(2, lines.Count(l => l.StartsWith("FROM ", StringComparison.Ordinal)));
        Assert.Contains(lines, l => l.Contains("dotnet tool install ClusterHost", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("COPY --from=build /opt/clusterhost", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("COPY --from=build /app", StringComparison.Ordinal));
        Assert.Equal("USER app", Assert.Single(lines, l => l.StartsWith("USER ", StringComparison.Ordinal)));
        Assert.Contains(lines, l => l.StartsWith("ENTRYPOINT", StringComparison.Ordinal) && l.Contains("/opt/clusterhost/clusterhost", StringComparison.Ordinal));

        var guide = File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "deployment.md"));
        foreach (var file in new[] { "deploy/docker/Dockerfile", "deploy/kubernetes/clusterhost.yaml", "deploy/systemd/clusterhost.service", "deploy/systemd/clusterhost.socket" })
        {
            Assert.Contains(file, guide, StringComparison.Ordinal);
        }
    }

    private static Dictionary<string, string> Settings(string unit) =>
        unit.Split('\n')
            .Select(l => Regex.Match(l, @"^(\w+)=(.*)$"))
            .Where(m => m.Success)
            .GroupBy(m => m.Groups[1].Value)
            .ToDictionary(g => g.Key, g => g.Last().Groups[2].Value.Trim());

    private static YamlNode Node(YamlNode node, params string[] path) =>
        path.Aggregate(node, (current, key) => ((YamlMappingNode)current).Children[new YamlScalarNode(key)]);

    private static string Scalar(YamlNode node, params string[] path) => ((YamlScalarNode)Node(node, path)).Value!;

    private static (int ExitCode, string Output) Run(string program, string workingDirectory, params string[] args)
    {
        var startInfo = new ProcessStartInfo(program, args)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory,
        };
        using var process = Process.Start(startInfo)!;
        var error = process.StandardError.ReadToEndAsync();
        var text = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, text + error.Result);
    }
}
