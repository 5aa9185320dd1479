using System.Diagnostics;
using System.Diagnostics.Metrics;
using Prometheus;

// An app instrumented as its developer would, knowing nothing of ClusterHost: its own
// System.Diagnostics.Metrics meters and a prometheus-net registry served on /metrics.
var builder = WebApplication.CreateBuilder(args);
var app = builder.Build();
app.UseHttpMetrics(); // prometheus-net's own request counts (http_requests_received_total...)

var orders = new Meter("TestApp.Orders");
var placed = orders.CreateCounter<long>("testapp.orders.placed", unit: "{order}", description: "Orders placed.");
var value = orders.CreateHistogram<double>("testapp.orders.value", unit: "s", description: "Time to place an order.");
var hidden = new Meter("TestApp.Hidden").CreateCounter<long>("testapp.hidden.calls", description: "A meter the tests exclude.");

var hits = Metrics.CreateCounter("testapp_hits_total", "Hits counted by prometheus-net.", "path");
var hitDuration = Metrics.CreateHistogram("testapp_hit_duration_seconds", "Hit durations by prometheus-net.",
    new HistogramConfiguration { Buckets = [0.001, 0.01, 0.1, 1] });
var hitSummary = Metrics.CreateSummary("testapp_hit_size_bytes", "Hit sizes by prometheus-net.",
    new SummaryConfiguration { Objectives = [new QuantileEpsilonPair(0.5, 0.05), new QuantileEpsilonPair(0.9, 0.01)] });
// The app's own "worker" label (its background worker's name): ClusterHost must not overwrite it.
var jobs = Metrics.CreateCounter("testapp_jobs_total", "Jobs by the app's own worker label.", "worker");
jobs.WithLabels("mailer").Inc();

app.MapGet("/hit", () =>
{
    var started = Stopwatch.GetTimestamp();
    placed.Add(1);
    hidden.Add(1);
    hits.WithLabels("/hit").Inc();
    hitSummary.Observe(42);
    var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
    value.Record(elapsed);
    hitDuration.Observe(elapsed);
    return Results.Text(Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
});
app.MapMetrics();

app.Run();
