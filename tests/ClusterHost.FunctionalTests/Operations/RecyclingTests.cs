using System.Text.RegularExpressions;
using ClusterHost.FunctionalTests.Infrastructure;
using Xunit.Abstractions;

namespace ClusterHost.FunctionalTests.Operations;

public sealed class RecyclingTests(ITestOutputHelper output)
{
    [Fact]
    public async Task MaxRequests_RecyclesEverySlot_WithNoFailedRequest()
    {
        await using var primary = ClusterProcess.StartPrimary(output, "--workers", "2", "--urls", "http://127.0.0.1:0",
            "--max-requests", "100", "--max-requests-jitter", "20");
        var (url, _) = await primary.WaitForReadyAsync();

        using var client = SampleAppClient.FreshConnections(url);
        var failures = 0;
        for (var i = 0; i < 500; i++)
        {
            try
            {
                await client.GetAsync();
            }
            catch (HttpRequestException)
            {
                failures++;
            }
            // Recycling is checked once a second: spread the 500 requests over a few seconds.
            await Task.Delay(10);
        }
        foreach (var slot in new[] { 0, 1 })
        {
            await primary.WaitForLineAsync(new Regex($@"Worker {slot} \(pid \d+\) served \d+ requests \(limit (1[01]\d|120)\); replacing it"));
            await primary.WaitForLineAsync(new Regex($@"Worker {slot}: replacing pid \d+ with pid \d+ \(max-requests\)"));
        }
        Assert.Equal(0, failures);
    }

    [Fact]
    public async Task WorkerOverMaxMemory_IsReplacedGracefully_WithNoFailedRequest()
    {
        await using var primary = ClusterProcess.StartPrimary(output, "--workers", "2", "--urls", "http://127.0.0.1:0",
            "--max-memory", "250MB", "--", "--SampleApp:EnableFaults=true");
        var (url, _) = await primary.WaitForReadyAsync();
        await using var load = LoadGenerator.Start(url, keepAliveClients: 2, freshConnectionClients: 2);
        await load.WaitForSuccessesAsync(100);

        using var leaker = SampleAppClient.FreshConnections(url);
        var leaked = await leaker.GetAsync("/leak?mb=300");
        var over = await primary.WaitForLineAsync(new Regex($@"Worker (\d) \(pid {leaked.Pid}\) uses \d+ MB, over --max-memory 250 MB; replacing it"));
        var slot = over.Groups[1].Value;
        await primary.WaitForLineAsync(new Regex($@"Worker {slot}: replacing pid {leaked.Pid} with pid \d+ \(memory\)"));
        await primary.WaitForLineAsync(new Regex($@"Worker {slot} \(pid {leaked.Pid}\) drained"));
        await load.WaitForSuccessesAsync(100);
        await load.StopAsync();

        output.WriteLine($"requests: {load.Succeeded} ok, {load.Failures.Count} failed");
        Assert.Empty(load.Failures);
        Assert.False(ProcessTable.IsAlive(leaked.Pid));
    }
}
