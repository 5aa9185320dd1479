using System.Collections.Concurrent;
using System.Globalization;
using ClusterHost.Primary.Metrics;

namespace ClusterHost.Primary.Balancing.Handoff;

/// <summary>
/// The handoff front's counts per worker slot, written as <c>clusterhost_handoff_*</c> families
/// with the <c>worker</c> label (the slot, as every per-worker series of the primary).
/// </summary>
internal sealed class HandoffMetrics
{
    private readonly ConcurrentDictionary<int, Counts> _slots = new();

    public void Handed(int workerId) => Interlocked.Increment(ref For(workerId).Handed);

    public void Rerouted(int workerId) => Interlocked.Increment(ref For(workerId).Rerouted);

    public void ClosedUnread(int workerId) => Interlocked.Increment(ref For(workerId).Closed);

    public long HandedCount(int workerId) => Interlocked.Read(ref For(workerId).Handed);

    public long ReroutedCount(int workerId) => Interlocked.Read(ref For(workerId).Rerouted);

    public long ClosedCount(int workerId) => Interlocked.Read(ref For(workerId).Closed);

    private Counts For(int workerId) => _slots.GetOrAdd(workerId, _ => new Counts());

    /// <param name="unacknowledged">Connections handed and not yet acknowledged, by slot, now.</param>
    public IReadOnlyList<MetricFamily> Families(IReadOnlyDictionary<int, int> unacknowledged)
    {
        var handed = new MetricFamily("clusterhost_handoffs_total",
            "Connections the primary accepted and handed to the worker in this slot (--mode handoff).", PrometheusMetricType.Counter);
        var pending = new MetricFamily("clusterhost_handoff_unacknowledged",
            $"Connections handed to the worker in this slot that it has not yet acknowledged (at most {HandoffRotation.MaxUnacknowledged}).",
            PrometheusMetricType.Gauge);
        var rerouted = new MetricFamily("clusterhost_handoff_rerouted_total",
            "Connections handed to the worker in this slot that it never took (it exited, or was draining), handed to another worker unread.",
            PrometheusMetricType.Counter);
        var closed = new MetricFamily("clusterhost_handoff_closed_total",
            "Connections handed to the worker in this slot that it never took and that no other worker could take before shutdown: closed unread.",
            PrometheusMetricType.Counter);
        foreach (var slot in _slots.Keys.Union(unacknowledged.Keys).Order())
        {
            var label = KeyValuePair.Create(ClusterMetricsExposition.WorkerLabel, slot.ToString(CultureInfo.InvariantCulture));
            var counts = For(slot);
            handed.Series.Add(MetricSeries.Of(Interlocked.Read(ref counts.Handed), label));
            pending.Series.Add(MetricSeries.Of(unacknowledged.GetValueOrDefault(slot), label));
            rerouted.Series.Add(MetricSeries.Of(Interlocked.Read(ref counts.Rerouted), label));
            closed.Series.Add(MetricSeries.Of(Interlocked.Read(ref counts.Closed), label));
        }
        return [handed, pending, rerouted, closed];
    }

    private sealed class Counts
    {
        public long Handed;
        public long Rerouted;
        public long Closed;
    }
}
