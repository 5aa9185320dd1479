using ClusterHost.Metrics;
using ClusterHost.Primary.Metrics;
using ClusterHost.Primary.Supervision;
using ClusterHost.Text;

namespace ClusterHost.Primary.Tests.Metrics;

public sealed class ClusterMetricsExpositionTests
{
    private static readonly DateTimeOffset Started = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    private static WorkerMetricsSnapshot Snapshot(long requests) => new()
    {
        AppVersion = "1.2.3",
        Families =
        [
            new MetricFamilySnapshot
            {
                Name = "http.server.request.duration",
                Unit = "s",
                Description = "Duration of HTTP server requests.",
                Kind = MetricKinds.Histogram,
                Bounds = [0.1, 1],
                Points = [new MetricPointSnapshot
                {
                    Tags = new Dictionary<string, string> { ["http.route"] = "/", ["http.request.method"] = "GET" },
                    BucketCounts = [requests, 0, 0],
                    Sum = requests * 0.01,
                    Count = requests,
                }],
            },
            new MetricFamilySnapshot
            {
                Name = "dotnet.process.cpu.time",
                Unit = "s",
                Description = "CPU time used by the process.",
                Kind = MetricKinds.Counter,
                Points = [new MetricPointSnapshot { Tags = new Dictionary<string, string> { ["cpu.mode"] = "user" }, Value = 1.5 }],
            },
        ],
    };

    private static WorkerScrape Up(int id, long requests = 3) => new()
    {
        WorkerId = id,
        State = WorkerSlotState.Ready,
        Pid = 100 + id,
        StartTime = Started,
        AppVersion = "1.2.3",
        Snapshot = Snapshot(requests),
        Duration = TimeSpan.FromMilliseconds(20),
        Exits = new Dictionary<WorkerExitReason, int> { [WorkerExitReason.Crash] = id },
    };

    private static string Text(params WorkerScrape[] workers) => PrometheusTextWriter.Write(ClusterMetricsExposition.Build(workers));

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    [Fact]
    public void WorkerSeries_CarryTheWorkerLabelFirst_AndTranslatedTags()
    {
        var lines = Lines(Text(Up(0), Up(1)));

        Assert.Contains("http_server_request_duration_seconds_count{worker=\"0\",http_request_method=\"GET\",http_route=\"/\"} 3", lines);
        Assert.Contains("http_server_request_duration_seconds_count{worker=\"1\",http_request_method=\"GET\",http_route=\"/\"} 3", lines);
        Assert.Contains("dotnet_process_cpu_time_seconds_total{worker=\"1\",cpu_mode=\"user\"} 1.5", lines);
    }

    [Fact]
    public void AFamilyFromEveryWorker_HasOneHelpAndTypeAndContiguousSeries()
    {
        var lines = Lines(Text(Up(0), Up(1), Up(2)));

        Assert.Single(lines, l => l == "# TYPE http_server_request_duration_seconds histogram");
        Assert.Single(lines, l => l.StartsWith("# HELP http_server_request_duration_seconds ", StringComparison.Ordinal));
        var indexes = lines.Select((l, i) => (l, i)).Where(x => x.l.StartsWith("dotnet_process_cpu_time_seconds_total", StringComparison.Ordinal)).Select(x => x.i).ToList();
        Assert.Equal(3, indexes.Count);
        Assert.Equal(indexes[0] + 2, indexes[^1]);
    }

    [Fact]
    public void WorkerThatDidNotAnswer_IsNotUp_AndHasNoSeriesOfItsOwn()
    {
        var silent = Up(1) with { Snapshot = null, Duration = TimeSpan.FromSeconds(1) };

        var lines = Lines(Text(Up(0), silent));

        Assert.Contains("clusterhost_worker_up{worker=\"0\"} 1", lines);
        Assert.Contains("clusterhost_worker_up{worker=\"1\"} 0", lines);
        Assert.Contains("clusterhost_worker_scrape_duration_seconds{worker=\"1\"} 1", lines);
        Assert.DoesNotContain(lines, l => l.Contains("worker=\"1\"", StringComparison.Ordinal)
            && !l.StartsWith("clusterhost_", StringComparison.Ordinal));
    }

    [Fact]
    public void Exits_AreWrittenForEveryReason_EvenZero()
    {
        var lines = Lines(Text(Up(0), Up(2)));

        foreach (var reason in Enum.GetValues<WorkerExitReason>())
        {
            var name = EnumNames<WorkerExitReason>.ToName(reason);
            Assert.Contains(lines, l => l.StartsWith($"clusterhost_worker_exits_total{{worker=\"0\",reason=\"{name}\"}} ", StringComparison.Ordinal));
        }
        Assert.Contains("clusterhost_worker_exits_total{worker=\"2\",reason=\"crash\"} 2", lines);
        Assert.Contains("clusterhost_worker_exits_total{worker=\"0\",reason=\"crash\"} 0", lines);
    }

    [Fact]
    public void SlotsByState_CountEveryState()
    {
        var backoff = new WorkerScrape { WorkerId = 1, State = WorkerSlotState.Backoff };

        var lines = Lines(Text(Up(0), backoff));

        Assert.Contains("clusterhost_workers{state=\"ready\"} 1", lines);
        Assert.Contains("clusterhost_workers{state=\"backoff\"} 1", lines);
        Assert.Contains("clusterhost_workers{state=\"gave-up\"} 0", lines);
        Assert.Contains("clusterhost_worker_up{worker=\"1\"} 0", lines);
        Assert.DoesNotContain(lines, l => l.StartsWith("clusterhost_worker_start_time_seconds{worker=\"1\"}", StringComparison.Ordinal));
    }

    [Fact]
    public void InfoSeries_CarriesPidStartTimeAndVersion()
    {
        var lines = Lines(Text(Up(0)));

        Assert.Contains("clusterhost_worker_info{worker=\"0\",pid=\"100\",start_time=\"2026-01-02T03:04:05Z\",app_version=\"1.2.3\"} 1", lines);
        Assert.Contains($"clusterhost_worker_start_time_seconds{{worker=\"0\"}} {Started.ToUnixTimeSeconds()}", lines);
    }

    [Fact]
    public void TagNamedWorker_KeepsItsName_TheSlotGoesInClusterhostWorker_AndTagsWithOneLabelNameAreJoined()
    {
        var snapshot = new WorkerMetricsSnapshot
        {
            Families = [new MetricFamilySnapshot
            {
                Name = "app.jobs",
                Kind = MetricKinds.Gauge,
                Points = [new MetricPointSnapshot
                {
                    Tags = new Dictionary<string, string> { ["worker"] = "other", ["a.b"] = "1", ["a_b"] = "2" },
                    Value = 4,
                }],
            }],
        };

        var lines = Lines(Text(Up(0) with { Snapshot = snapshot }));

        Assert.Contains("app_jobs{clusterhost_worker=\"0\",a_b=\"1;2\",worker=\"other\"} 4", lines);
    }

    [Fact]
    public void WorkerFamily_NeverShadowsAPrimaryFamily_NorChangesType()
    {
        var snapshot = new WorkerMetricsSnapshot
        {
            Families =
            [
                new MetricFamilySnapshot { Name = "clusterhost.worker.up", Kind = MetricKinds.Gauge, Points = [new MetricPointSnapshot { Value = 9 }] },
                new MetricFamilySnapshot { Name = "app.x", Kind = MetricKinds.Gauge, Points = [new MetricPointSnapshot { Value = 1 }] },
            ],
        };
        var other = new WorkerMetricsSnapshot
        {
            Families = [new MetricFamilySnapshot { Name = "app.x", Kind = MetricKinds.Counter, Points = [new MetricPointSnapshot { Value = 1 }] }],
        };

        var lines = Lines(Text(Up(0) with { Snapshot = snapshot }, Up(1) with { Snapshot = other }));

        Assert.DoesNotContain(lines, l => l.EndsWith(" 9", StringComparison.Ordinal));
        Assert.Contains("app_x{worker=\"0\"} 1", lines);
        Assert.Contains("app_x_total{worker=\"1\"} 1", lines);
    }

    [Fact]
    public void InconsistentHistogramFromAWorker_IsDropped_NotFailingTheScrape()
    {
        var snapshot = new WorkerMetricsSnapshot
        {
            Families = [new MetricFamilySnapshot
            {
                Name = "app.latency",
                Unit = "s",
                Kind = MetricKinds.Histogram,
                Bounds = [1, 2],
                Points = [new MetricPointSnapshot { BucketCounts = [1, 2], Count = 3 }],
            }],
        };

        var text = Text(Up(0) with { Snapshot = snapshot });

        Assert.DoesNotContain("app_latency", text, StringComparison.Ordinal);
        Assert.Contains("clusterhost_worker_up{worker=\"0\"} 1", text, StringComparison.Ordinal);
    }

    [Fact]
    public void FrontSeries_AreNamedForTheProxy_WithNoWorkerLabel_AfterTheWorkers()
    {
        var text = PrometheusTextWriter.Write(ClusterMetricsExposition.Build([Up(0), Up(1)], Snapshot(7).Families));
        var lines = Lines(text);

        Assert.Contains("clusterhost_proxy_http_server_request_duration_seconds_count{http_request_method=\"GET\",http_route=\"/\"} 7", lines);
        Assert.Contains("clusterhost_proxy_dotnet_process_cpu_time_seconds_total{cpu_mode=\"user\"} 1.5", lines);
        // The workers' family keeps exactly one series per worker: count by (worker) stays the worker count.
        Assert.Equal(2, lines.Count(l => l.StartsWith("http_server_request_duration_seconds_count{", StringComparison.Ordinal)));
        Assert.True(
            text.IndexOf("# TYPE clusterhost_proxy_http_server_request_duration_seconds histogram", StringComparison.Ordinal)
                > text.IndexOf("# TYPE http_server_request_duration_seconds histogram", StringComparison.Ordinal));
    }

    [Fact]
    public void NoFront_WritesNoProxyFamilies()
    {
        Assert.DoesNotContain(ClusterMetricsExposition.FrontPrefix, Text(Up(0)), StringComparison.Ordinal);
    }

    private static WorkerScrape WithApp(int id, string prometheusText) =>
        Up(id) with { Snapshot = Snapshot(3) with { PrometheusText = prometheusText } };

    private static string AppText(int hits) => $$"""
        # HELP app_hits_total Hits.
        # TYPE app_hits_total counter
        app_hits_total{path="/"} {{hits}}
        # HELP app_size_bytes Sizes.
        # TYPE app_size_bytes summary
        app_size_bytes_sum 84
        app_size_bytes_count 2
        app_size_bytes{quantile="0.5"} 42
        # HELP app_seconds Durations.
        # TYPE app_seconds histogram
        app_seconds_bucket{le="0.1"} 1
        app_seconds_bucket{le="+Inf"} 2
        app_seconds_sum 0.5
        app_seconds_count 2
        # HELP app_jobs_total Jobs.
        # TYPE app_jobs_total counter
        app_jobs_total{worker="mailer"} 1
        # HELP app_open_count Open things.
        # TYPE app_open_count gauge
        app_open_count 5
        # HELP dotnet_process_cpu_time_seconds_total Taken by a meter family.
        # TYPE dotnet_process_cpu_time_seconds_total counter
        dotnet_process_cpu_time_seconds_total 9
        """;

    [Fact]
    public void AppPrometheusFamilies_AreMergedAcrossWorkers_OneHelpAndTypeEach_WithTheWorkerLabel()
    {
        var lines = Lines(Text(WithApp(0, AppText(5)), WithApp(1, AppText(7))));

        Assert.Single(lines, l => l == "# TYPE app_hits_total counter");
        Assert.Single(lines, l => l == "# HELP app_hits_total Hits.");
        var first = Array.IndexOf(lines, "app_hits_total{worker=\"0\",path=\"/\"} 5");
        Assert.True(first > 0);
        Assert.Equal("app_hits_total{worker=\"1\",path=\"/\"} 7", lines[first + 1]);
        Assert.Single(lines, l => l == "# TYPE app_size_bytes summary");
        Assert.Contains("app_size_bytes{worker=\"1\",quantile=\"0.5\"} 42", lines);
        Assert.Contains("app_size_bytes_count{worker=\"0\"} 2", lines);
        Assert.Contains("app_seconds_bucket{worker=\"1\",le=\"+Inf\"} 2", lines);
    }

    [Fact]
    public void AppPrometheusSeries_WithItsOwnWorkerLabel_KeepsIt_TheSlotGoesInClusterhostWorker()
    {
        var lines = Lines(Text(WithApp(0, AppText(5))));

        Assert.Contains("app_jobs_total{clusterhost_worker=\"0\",worker=\"mailer\"} 1", lines);
    }

    [Fact]
    public void AppPrometheusFamily_NamedLikeClusterHostsOwn_IsLeftOut_AndAGaugeWithAReservedSuffixGetsCurrent()
    {
        var lines = Lines(Text(WithApp(0, AppText(5))));

        Assert.DoesNotContain(lines, l => l.StartsWith("dotnet_process_cpu_time_seconds_total{worker=\"0\"} ", StringComparison.Ordinal));
        Assert.Single(lines, l => l.StartsWith("# TYPE dotnet_process_cpu_time_seconds_total ", StringComparison.Ordinal));
        Assert.Contains("# TYPE app_open_count_current gauge", lines);
        Assert.Contains("app_open_count_current{worker=\"0\"} 5", lines);
    }

    [Fact]
    public void AppPrometheusFamily_DeclaredWithAnotherTypeByALaterWorker_KeepsTheFirst()
    {
        const string Other = "# TYPE app_hits_total gauge\napp_hits_total 1\n";

        var lines = Lines(Text(WithApp(0, AppText(5)), WithApp(1, Other)));

        Assert.Contains("app_hits_total{worker=\"0\",path=\"/\"} 5", lines);
        Assert.DoesNotContain(lines, l => l.StartsWith("app_hits_total{worker=\"1\"", StringComparison.Ordinal));
    }
}
