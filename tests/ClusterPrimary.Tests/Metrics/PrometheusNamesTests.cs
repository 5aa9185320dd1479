using ClusterHost.Primary.Metrics;

namespace ClusterHost.Primary.Tests.Metrics;

public sealed class PrometheusNamesTests
{
    [Theory]
    // The OpenTelemetry examples: unit suffixes, _total on counters, braces dropped.
    [InlineData("http.server.request.duration", "s", "Histogram", "http_server_request_duration_seconds")]
    [InlineData("http.server.active_requests", "{request}", "Gauge", "http_server_active_requests")]
    [InlineData("kestrel.active_connections", "{connection}", "Gauge", "kestrel_active_connections")]
    [InlineData("kestrel.connection.duration", "s", "Histogram", "kestrel_connection_duration_seconds")]
    [InlineData("dotnet.process.cpu.time", "s", "Counter", "dotnet_process_cpu_time_seconds_total")]
    [InlineData("dotnet.process.memory.working_set", "By", "Gauge", "dotnet_process_memory_working_set_bytes")]
    [InlineData("dotnet.gc.collections", "{collection}", "Counter", "dotnet_gc_collections_total")]
    [InlineData("dotnet.gc.heap.total_allocated", "By", "Counter", "dotnet_gc_heap_total_allocated_bytes_total")]
    [InlineData("dotnet.monitor.lock_contentions", "{contention}", "Counter", "dotnet_monitor_lock_contentions_total")]
    [InlineData("dotnet.thread_pool.queue.length", "{work_item}", "Gauge", "dotnet_thread_pool_queue_length")]
    // No unit, no suffix; a unit already in the name is not repeated; _total not doubled.
    [InlineData("app.things", null, "Counter", "app_things_total")]
    [InlineData("app.things_total", null, "Counter", "app_things_total")]
    [InlineData("app.wait_seconds", "s", "Gauge", "app_wait_seconds")]
    [InlineData("app.wait_total", "s", "Counter", "app_wait_seconds_total")]
    // Other UCUM units, rates, ratios.
    [InlineData("app.latency", "ms", "Histogram", "app_latency_milliseconds")]
    [InlineData("app.throughput", "By/s", "Gauge", "app_throughput_bytes_per_second")]
    [InlineData("app.rate", "{request}/s", "Gauge", "app_rate_per_second")]
    [InlineData("app.utilization", "1", "Gauge", "app_utilization_ratio")]
    [InlineData("app.items", "1", "Counter", "app_items_total")]
    [InlineData("app.temperature", "Cel", "Gauge", "app_temperature_celsius")]
    [InlineData("app.odd", "furlong", "Gauge", "app_odd_furlong")]
    // Invalid characters, runs of underscores, a leading digit.
    [InlineData("app-name/with spaces", null, "Gauge", "app_name_with_spaces")]
    [InlineData("app..double__under", null, "Gauge", "app_double_under")]
    [InlineData("app:colon", null, "Gauge", "app_colon")]
    [InlineData("9lives", null, "Gauge", "_9lives")]
    public void InstrumentNames_FollowTheOpenTelemetryTranslation(string instrument, string? unit, string type, string expected) =>
        Assert.Equal(expected, PrometheusNames.MetricName(instrument, unit, Enum.Parse<PrometheusMetricType>(type)));

    [Theory]
    [InlineData("dotnet.thread_pool.thread.count", "{thread}", "dotnet_thread_pool_thread_count_current")]
    [InlineData("dotnet.timer.count", "{timer}", "dotnet_timer_count_current")]
    [InlineData("app.sum", null, "app_sum_current")]
    [InlineData("app.bucket", null, "app_bucket_current")]
    [InlineData("app.total", null, "app_total_current")]
    [InlineData("app.count", "By", "app_count_bytes")]
    public void Gauges_NeverEndInASuffixPrometheusReserves(string instrument, string? unit, string expected) =>
        Assert.Equal(expected, PrometheusNames.MetricName(instrument, unit, PrometheusMetricType.Gauge));

    [Fact]
    public void HistogramsAndCounters_KeepCountInTheirName()
    {
        Assert.Equal("app_count", PrometheusNames.MetricName("app.count", null, PrometheusMetricType.Histogram));
        Assert.Equal("app_work_item_count_total", PrometheusNames.MetricName("app.work_item.count", "{work_item}", PrometheusMetricType.Counter));
    }

    [Theory]
    [InlineData("http.request.method", "http_request_method")]
    [InlineData("gc.heap.generation", "gc_heap_generation")]
    [InlineData("__meta", "_meta")]
    [InlineData("0day", "key_0day")]
    [InlineData("a-b c", "a_b_c")]
    public void TagNames_BecomeValidLabelNames(string tag, string expected) =>
        Assert.Equal(expected, PrometheusNames.LabelName(tag));
}
