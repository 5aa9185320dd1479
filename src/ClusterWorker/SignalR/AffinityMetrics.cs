using System.Diagnostics.Metrics;
using ClusterHost.Worker.Metrics;

namespace ClusterHost.Worker.SignalR;

/// <summary>
/// <c>clusterhost.signalr.forwarded</c> (Prometheus <c>clusterhost_signalr_forwarded_total</c>): the
/// SignalR requests this worker received for a connection another launch owns and forwarded to
/// it, by <c>kind</c> (websockets, server-sent-events, long-polling, send, other) and
/// <c>outcome</c> (forwarded; owner-gone, answered 404; failed, answered 502).
/// </summary>
internal sealed class AffinityMetrics
{
    public const string WebSockets = "websockets";
    public const string ServerSentEvents = "server-sent-events";
    public const string LongPolling = "long-polling";
    public const string Send = "send";
    public const string Other = "other";

    public const string Done = "forwarded";
    public const string OwnerGone = "owner-gone";
    public const string Failed = "failed";

    private readonly Counter<long> _forwarded;

    public AffinityMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(ResponsivenessProbe.MeterName);
        _forwarded = meter.CreateCounter<long>(
            "clusterhost.signalr.forwarded",
            unit: "{request}",
            description: "SignalR requests for a connection another worker owns, forwarded to that worker over its private socket.");
    }

    public void Forwarded(string kind, string outcome) =>
        _forwarded.Add(1, new KeyValuePair<string, object?>("kind", kind), new KeyValuePair<string, object?>("outcome", outcome));
}
