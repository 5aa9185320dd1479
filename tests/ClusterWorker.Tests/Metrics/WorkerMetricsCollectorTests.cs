using System.Diagnostics.Metrics;
using System.Text.Json;
using ClusterHost.Control;
using ClusterHost.Metrics;
using ClusterHost.Worker.Metrics;
using Microsoft.Extensions.Logging.Abstractions;

namespace ClusterHost.Worker.Tests.Metrics;

public sealed class WorkerMetricsCollectorTests : IDisposable
{
    // A meter name of this test's own: other tests' meters are not collected.
    private readonly string _meterName = "Test." + Guid.NewGuid().ToString("N");
    private readonly Meter _meter;
    private readonly WorkerMetricsCollector _collector;

    public WorkerMetricsCollectorTests()
    {
        _meter = new Meter(_meterName);
        _collector = new WorkerMetricsCollector([_meterName], NullLogger.Instance);
    }

    public void Dispose()
    {
        _collector.Dispose();
        _meter.Dispose();
    }

    private MetricFamilySnapshot Family(string name) => Assert.Single(_collector.Collect().Families, f => f.Name == name);

    private static KeyValuePair<string, object?> Tag(string key, object? value) => new(key, value);

    [Fact]
    public void Counter_AddsUpPerTagSet_WhateverTheTagOrder()
    {
        var counter = _meter.CreateCounter<long>("app.requests", "{request}", "Requests.");

        counter.Add(2, Tag("route", "/"), Tag("method", "GET"));
        counter.Add(3, Tag("method", "GET"), Tag("route", "/"));
        counter.Add(5, Tag("method", "POST"), Tag("route", "/"));

        var family = Family("app.requests");
        Assert.Equal(MetricKinds.Counter, family.Kind);
        Assert.Equal("{request}", family.Unit);
        Assert.Equal("Requests.", family.Description);
        Assert.Equal(2, family.Points.Count);
        Assert.Equal(5, Assert.Single(family.Points, p => p.Tags["method"] == "GET").Value);
        Assert.Equal(5, Assert.Single(family.Points, p => p.Tags["method"] == "POST").Value);
    }

    [Fact]
    public async Task Counter_CountsEveryMeasurementFromManyThreads()
    {
        var counter = _meter.CreateCounter<int>("app.hits");

        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < 10_000; i++)
            {
                counter.Add(1, Tag("t", "x"));
            }
        })));

        Assert.Equal(80_000, Assert.Single(Family("app.hits").Points).Value);
    }

    [Fact]
    public void UpDownCounter_IsAGaugeOfItsSum()
    {
        var active = _meter.CreateUpDownCounter<long>("app.active");

        active.Add(3);
        active.Add(-2);

        var family = Family("app.active");
        Assert.Equal(MetricKinds.Gauge, family.Kind);
        Assert.Equal(1, Assert.Single(family.Points).Value);
        Assert.Empty(Assert.Single(family.Points).Tags);
    }

    [Fact]
    public void ObservableInstruments_ReportTheirLatestObservation()
    {
        var total = 10L;
        _meter.CreateObservableCounter("app.total", () => total);
        _meter.CreateObservableGauge("app.level", () => new Measurement<double>(0.5, Tag("kind", "a")));
        _meter.CreateObservableUpDownCounter("app.queue", () => 7);

        Assert.Equal(10, Assert.Single(Family("app.total").Points).Value);
        total = 25;
        Assert.Equal(25, Assert.Single(Family("app.total").Points).Value);
        Assert.Equal(MetricKinds.Counter, Family("app.total").Kind);
        Assert.Equal(MetricKinds.Gauge, Family("app.level").Kind);
        Assert.Equal("a", Assert.Single(Family("app.level").Points).Tags["kind"]);
        Assert.Equal(MetricKinds.Gauge, Family("app.queue").Kind);
    }

    [Fact]
    public void RuntimeCountersThatGoDown_AreGauges()
    {
        using var meter = new Meter("System.Runtime.Test");
        var instrument = meter.CreateObservableCounter("dotnet.thread_pool.queue.length", () => 1);

        Assert.Equal(MetricKinds.Gauge, new InstrumentAggregation(instrument, _ => { }).Kind);
    }

    [Fact]
    public void Histogram_CountsInBuckets_ABoundaryValueInItsOwnBucket()
    {
        var histogram = _meter.CreateHistogram("app.latency", "s", null, null,
            new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.1, 1, 10] });

        foreach (var value in new[] { 0.05, 0.1, 0.5, 1, 20, 30 })
        {
            histogram.Record(value);
        }

        var family = Family("app.latency");
        Assert.Equal(MetricKinds.Histogram, family.Kind);
        Assert.Equal([0.1, 1, 10], family.Bounds!);
        var point = Assert.Single(family.Points);
        Assert.Equal([2L, 2, 0, 2], point.BucketCounts!);
        Assert.Equal(6, point.Count);
        Assert.Equal(51.65, point.Sum, 10);
    }

    [Fact]
    public void Histogram_WithoutAdvice_UsesDefaultBuckets_SecondsOrNot()
    {
        _meter.CreateHistogram<double>("app.wait", "s").Record(1);
        _meter.CreateHistogram<int>("app.size", "By").Record(1);

        Assert.Equal(InstrumentAggregation.DefaultSecondsBounds, Family("app.wait").Bounds!);
        Assert.Equal(InstrumentAggregation.DefaultBounds, Family("app.size").Bounds!);
    }

    [Fact]
    public void TagValues_AreFormattedInvariantly()
    {
        var counter = _meter.CreateCounter<double>("app.tagged");

        counter.Add(1, Tag("code", 200), Tag("ok", true), Tag("ratio", 0.5), Tag("none", null));

        var tags = Assert.Single(Family("app.tagged").Points).Tags;
        Assert.Equal("200", tags["code"]);
        Assert.Equal("true", tags["ok"]);
        Assert.Equal("0.5", tags["ratio"]);
        Assert.Equal("", tags["none"]);
    }

    [Fact]
    public void SeriesPastTheCap_GoToOneOverflowSeries()
    {
        var counter = _meter.CreateCounter<long>("app.unbounded");

        for (var i = 0; i < InstrumentAggregation.MaxSeries + 10; i++)
        {
            counter.Add(1, Tag("id", i));
        }

        var points = Family("app.unbounded").Points;
        Assert.Equal(InstrumentAggregation.MaxSeries + 1, points.Count);
        Assert.Equal(10, Assert.Single(points, p => p.Tags.ContainsKey(InstrumentAggregation.OverflowTag)).Value);
        Assert.Equal(InstrumentAggregation.MaxSeries + 10, points.Sum(p => p.Value));
    }

    [Fact]
    public void OtherMeters_AreNotCollected_AndSilentInstrumentsAreLeftOut()
    {
        using var other = new Meter("Test.Other." + Guid.NewGuid().ToString("N"));
        other.CreateCounter<long>("other.requests").Add(1);
        _meter.CreateCounter<long>("app.silent");

        Assert.Empty(_collector.Collect().Families);
    }

    [Fact]
    public void NonFiniteValues_AreNotExported()
    {
        _meter.CreateObservableGauge("app.nan", () => double.NaN);
        _meter.CreateHistogram<double>("app.h").Record(double.PositiveInfinity);

        var families = _collector.Collect().Families;

        Assert.DoesNotContain(families, f => f.Name == "app.nan");
        Assert.Equal(0, Assert.Single(Assert.Single(families, f => f.Name == "app.h").Points).Count);
    }

    [Fact]
    public void Snapshot_SurvivesTheControlProtocolRoundTrip()
    {
        _meter.CreateHistogram<double>("app.latency", "s").Record(0.2, Tag("route", "/"));
        _meter.CreateCounter<long>("app.requests").Add(4);
        var message = new MetricsMessage { Id = 42, Metrics = _collector.Collect() };

        var line = JsonSerializer.Serialize<ControlMessage>(message, ControlJsonContext.Default.ControlMessage);
        var back = Assert.IsType<MetricsMessage>(JsonSerializer.Deserialize(line, ControlJsonContext.Default.ControlMessage));

        Assert.DoesNotContain('\n', line);
        Assert.Equal(42, back.Id);
        Assert.Equal(message.Metrics.AppVersion, back.Metrics!.AppVersion);
        var histogram = Assert.Single(back.Metrics.Families, f => f.Name == "app.latency");
        Assert.Equal("/", Assert.Single(histogram.Points).Tags["route"]);
        Assert.Equal(1, Assert.Single(histogram.Points).Count);
        Assert.Equal(4, Assert.Single(Assert.Single(back.Metrics.Families, f => f.Name == "app.requests").Points).Value);
    }
}
