using System.Diagnostics;
using System.Text.RegularExpressions;
using ClusterHost.FunctionalTests.Infrastructure;

namespace ClusterHost.FunctionalTests.Metrics;

/// <summary>The primary's <c>/metrics</c>, scraped the way Prometheus does.</summary>
internal sealed partial class MetricsEndpoint(Uri url) : IDisposable
{
    private readonly HttpClient _client = new() { Timeout = ClusterProcess.Patience };

    public Uri Url { get; } = url;

    /// <summary>Waits for the primary's "Metrics at URL" line.</summary>
    public static async Task<MetricsEndpoint> WaitForAsync(ClusterProcess primary) =>
        new(new Uri((await primary.WaitForLineAsync(MetricsAtPattern())).Groups["url"].Value));

    public async Task<(MetricsText Metrics, TimeSpan Elapsed, string? ContentType)> ScrapeWithDetailsAsync()
    {
        var stopwatch = Stopwatch.StartNew();
        using var response = await _client.GetAsync(Url);
        response.EnsureSuccessStatusCode();
        var text = await response.Content.ReadAsStringAsync();
        stopwatch.Stop();
        return (new MetricsText(text), stopwatch.Elapsed, response.Content.Headers.ContentType?.ToString());
    }

    public async Task<MetricsText> ScrapeAsync() => (await ScrapeWithDetailsAsync()).Metrics;

    /// <summary>Scrapes until <paramref name="condition"/> holds (bounded by <see cref="ClusterProcess.Patience"/>); returns that scrape.</summary>
    public async Task<MetricsText> ScrapeUntilAsync(Func<MetricsText, bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + ClusterProcess.Patience;
        while (true)
        {
            var metrics = await ScrapeAsync();
            if (condition(metrics))
            {
                return metrics;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Within {ClusterProcess.Patience}, never: {what}. Last scrape:\n{metrics.Text}");
            }
            await Task.Delay(100);
        }
    }

    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string path) =>
        _client.SendAsync(new HttpRequestMessage(method, new Uri(Url, path)));

    public void Dispose() => _client.Dispose();

    [GeneratedRegex(@"Metrics at (?<url>http://\S+/metrics)")]
    private static partial Regex MetricsAtPattern();
}
