using System.Diagnostics.Metrics;
using ClusterHost.Metrics;

namespace ClusterHost.Worker.Tests.Metrics;

public sealed class InstrumentAggregationTests : IDisposable
{
    private readonly Meter _meter = new("Test." + Guid.NewGuid().ToString("N"));

    public void Dispose() => _meter.Dispose();

    private static KeyValuePair<string, object?> Tag(string key, object? value) => new(key, value);

    public static TheoryData<KeyValuePair<string, object?>[]> TagSets() => new()
    {
        Array.Empty<KeyValuePair<string, object?>>(),
        new[] { Tag("http.route", "/") },
        // As ASP.NET Core records a request, in its own order.
        new[] { Tag("url.scheme", "http"), Tag("http.request.method", "GET"), Tag("network.protocol.version", "1.1"), Tag("http.response.status_code", 200), Tag("http.route", "/items/{id}") },
        new[] { Tag("b", true), Tag("a", null), Tag("c", -42L), Tag("d", false), Tag("aa", "") },
        new[] { Tag("z", 1), Tag("y", 2), Tag("x", 3), Tag("w", 4), Tag("v", 5), Tag("u", 6), Tag("t", 7), Tag("s", 8) },
    };

    [Theory]
    [MemberData(nameof(TagSets))]
    public void TryWriteKey_WritesExactlyTheKeyOfTheStringPath(KeyValuePair<string, object?>[] tags)
    {
        var buffer = new char[InstrumentAggregation.MaxSpanKeyLength];

        Assert.True(InstrumentAggregation.TryWriteKey(tags, buffer, out var length));

        Assert.Equal(InstrumentAggregation.KeyOf(tags), new string(buffer, 0, length));
    }

    [Fact]
    public void TryWriteKey_DeclinesWhatItDoesNotFormatOrFit_LeavingItToTheStringPath()
    {
        var buffer = new char[InstrumentAggregation.MaxSpanKeyLength];

        Assert.False(InstrumentAggregation.TryWriteKey([Tag("ratio", 0.5)], buffer, out _));
        Assert.False(InstrumentAggregation.TryWriteKey([Tag("long", new string('x', InstrumentAggregation.MaxSpanKeyLength))], buffer, out _));
    }

    [Fact]
    public void Record_OnASeriesThatExists_AllocatesNothing()
    {
        var histogram = _meter.CreateHistogram<double>("http.server.request.duration", "s");
        var aggregation = new InstrumentAggregation(histogram, _ => { });
        KeyValuePair<string, object?>[] tags =
            [Tag("http.request.method", "GET"), Tag("http.response.status_code", 200), Tag("http.route", "/"), Tag("url.scheme", "http")];
        aggregation.Record(0.001, tags); // creates the series

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            aggregation.Record(0.002, tags);
        }
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.Equal(1001, Assert.Single(aggregation.ToSnapshot().Points).Count);
    }

    [Fact]
    public void Record_SameTagsInAnyOrderOrWithValuesTheSpanPathDeclines_CountsIntoOneSeries()
    {
        var counter = _meter.CreateCounter<long>("requests");
        var aggregation = new InstrumentAggregation(counter, _ => { });

        aggregation.Record(1, [Tag("a", 1), Tag("b", 0.5)]);
        aggregation.Record(1, [Tag("b", 0.5), Tag("a", 1)]);
        aggregation.Record(1, [Tag("x", "y"), Tag("n", 7)]);
        aggregation.Record(1, [Tag("n", 7), Tag("x", "y")]);

        var points = aggregation.ToSnapshot().Points;
        Assert.Equal(2, points.Count);
        Assert.All(points, p => Assert.Equal(2, p.Value));
    }
}
