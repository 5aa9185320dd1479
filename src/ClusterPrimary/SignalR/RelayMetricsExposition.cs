using System.Globalization;
using ClusterHost.Primary.Metrics;

namespace ClusterHost.Primary.SignalR;

/// <summary>
/// The relay's series on <c>/metrics</c>, per worker slot: <c>clusterhost_signalr_relay_*</c>.
/// Connections per hub per worker are ASP.NET Core's own (<c>signalr_server_active_connections</c>).
/// </summary>
internal static class RelayMetricsExposition
{
    public static IReadOnlyList<MetricFamily> Build(IReadOnlyList<RelaySlotStats> slots)
    {
        var messages = new MetricFamily("clusterhost_signalr_relay_messages_total",
            "SignalR relay messages, by worker and direction (in: the worker sent them to the relay; out: the relay wrote them to the worker).",
            PrometheusMetricType.Counter);
        var bytes = new MetricFamily("clusterhost_signalr_relay_bytes_total",
            "SignalR relay bytes (frames with their headers), by worker and direction.", PrometheusMetricType.Counter);
        var depth = new MetricFamily("clusterhost_signalr_relay_queue_depth",
            "SignalR relay messages waiting to be written to the worker now.", PrometheusMetricType.Gauge);
        var queuedBytes = new MetricFamily("clusterhost_signalr_relay_queue_bytes",
            "SignalR relay bytes waiting to be written to the worker now.", PrometheusMetricType.Gauge);
        var drops = new MetricFamily("clusterhost_signalr_relay_drops_total",
            "Times the worker was dropped from the SignalR relay because its queue was full (it rejoins when it reconnects).",
            PrometheusMetricType.Counter);
        var dropped = new MetricFamily("clusterhost_signalr_relay_dropped_messages_total",
            "SignalR relay messages discarded instead of written to the worker (queued when it was dropped or went away).",
            PrometheusMetricType.Counter);
        var connected = new MetricFamily("clusterhost_signalr_relay_connected",
            "1 while the slot's worker is connected to the SignalR relay, else 0.", PrometheusMetricType.Gauge);
        foreach (var slot in slots)
        {
            var worker = Label("worker", slot.WorkerId.ToString(CultureInfo.InvariantCulture));
            messages.Series.Add(MetricSeries.Of(slot.MessagesIn, worker, Label("direction", "in")));
            messages.Series.Add(MetricSeries.Of(slot.MessagesOut, worker, Label("direction", "out")));
            bytes.Series.Add(MetricSeries.Of(slot.BytesIn, worker, Label("direction", "in")));
            bytes.Series.Add(MetricSeries.Of(slot.BytesOut, worker, Label("direction", "out")));
            depth.Series.Add(MetricSeries.Of(slot.QueuedFrames, worker));
            queuedBytes.Series.Add(MetricSeries.Of(slot.QueuedBytes, worker));
            drops.Series.Add(MetricSeries.Of(slot.Drops, worker));
            dropped.Series.Add(MetricSeries.Of(slot.DroppedMessages, worker));
            connected.Series.Add(MetricSeries.Of(slot.Connected ? 1 : 0, worker));
        }
        return slots.Count == 0 ? [] : [messages, bytes, depth, queuedBytes, drops, dropped, connected];
    }

    private static KeyValuePair<string, string> Label(string name, string value) => new(name, value);
}
