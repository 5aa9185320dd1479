using System.Diagnostics.Metrics;

namespace ClusterHost.Primary.Balancing.Proxy;

/// <summary>
/// The proxy's own instruments, on the proxy server's meter factory (exposed as
/// <c>clusterhost_proxy_errors_total{cause}</c> and <c>clusterhost_proxy_retries_total{cause}</c>).
/// </summary>
internal sealed class ProxyMetrics
{
    public const string MeterName = "ClusterHost.Proxy";

    private readonly Counter<long> _errors;
    private readonly Counter<long> _retries;

    public ProxyMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _errors = meter.CreateCounter<long>("errors", unit: "{request}",
            description: "Requests the proxy answered with 502, 503 or 504, or whose response it aborted, by cause.");
        _retries = meter.CreateCounter<long>("retries", unit: "{request}",
            description: "Requests the proxy sent again to another worker, by the cause of the failed attempt.");
    }

    public void Error(ProxyFailure cause) => _errors.Add(1, new KeyValuePair<string, object?>("cause", ProxyFailures.Label(cause)));

    public void Retry(ProxyFailure cause) => _retries.Add(1, new KeyValuePair<string, object?>("cause", ProxyFailures.Label(cause)));
}
