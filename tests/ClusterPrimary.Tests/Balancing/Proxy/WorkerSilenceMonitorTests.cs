using ClusterHost.Control;
using ClusterHost.Primary.Balancing;
using ClusterHost.Primary.Balancing.Proxy;
using ClusterHost.Primary.Configuration;
using ClusterHost.Primary.Supervision;
using ClusterHost.Primary.Tests.Supervision;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Yarp.ReverseProxy;
using Yarp.ReverseProxy.Model;

namespace ClusterHost.Primary.Tests.Balancing.Proxy;

/// <summary>The proxy's health without a probe: real YARP, real Kestrel "workers", heartbeats set by hand.</summary>
public sealed class WorkerSilenceMonitorTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task SilentWorker_GetsNoNewRequests_UntilHeardFromAgain_AndNoRequestReachesAWorkerMeanwhile()
    {
        var config = new ClusterHostConfig
        {
            Workers = 2,
            Urls = ListenUrlParser.Parse("http://127.0.0.1:0", new List<string>()),
            Mode = BalancingMode.Proxy,
            AppPath = "/app/App.dll",
            ShutdownTimeout = TimeSpan.FromSeconds(5),
            StartTimeout = TimeSpan.FromSeconds(30),
            MaxRestarts = 5,
        };
        var time = TimeProvider.System;
        var signs = new WorkerSigns();
        await using var front = new ProxyFront(config, new ServerCertificate(config, time, NullLogger<ServerCertificate>.Instance), time, NullLoggerFactory.Instance, signs: signs);
        await front.StartAsync(CancellationToken.None);
        var workers = new List<(FakeWorkerProcess Process, WebApplication App, Counter Requests)>();
        for (var slot = 0; slot < 2; slot++)
        {
            var instance = new WorkerInstance(slot, 1);
            var environment = new Dictionary<string, string?>();
            front.ConfigureWorker(instance, environment);
            var process = new FakeWorkerProcess(instance, 1000 + slot) { LastHeartbeat = time.GetTimestamp() };
            signs.Record(process);
            var requests = new Counter();
            workers.Add((process, await StartFakeWorkerAsync(environment[WorkerEnvironmentVariables.Listen]!, $"worker {slot}", requests), requests));
            front.WorkerReady(instance);
        }
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri(front.Urls[0]) };
            Assert.True(front.ServerServices.GetRequiredService<IProxyStateLookup>().TryGetCluster(ProxyConfigFactory.ClusterId, out var cluster));
            using var heartbeats = new CancellationTokenSource();
            // Worker 1 keeps heartbeating; worker 0 falls silent.
            var beating = Task.Run(async () =>
            {
                while (!heartbeats.IsCancellationRequested)
                {
                    workers[1].Process.LastHeartbeat = time.GetTimestamp();
                    await Task.Delay(200);
                }
            });

            await WaitUntilAsync(() => cluster.Destinations["w0-1"].Health.Active == DestinationHealth.Unhealthy, "worker 0 marked unhealthy");
            var silent = await AnswersAsync(client, 10);
            Assert.All(silent, a => Assert.Equal("worker 1", a));

            workers[0].Process.LastHeartbeat = time.GetTimestamp();
            await WaitUntilAsync(() => cluster.Destinations["w0-1"].Health.Active == DestinationHealth.Healthy, "worker 0 healthy again");
            var heard = await AnswersAsync(client, 10);
            Assert.Contains("worker 0", heard);
            Assert.Contains("worker 1", heard);

            await heartbeats.CancelAsync();
            await beating;
            // Only the client's 20 requests reached the workers: nothing probed them.
            Assert.Equal(20, workers.Sum(w => w.Requests.Value));
        }
        finally
        {
            foreach (var (_, app, _) in workers)
            {
                await app.DisposeAsync();
            }
        }
    }

    private static async Task<List<string>> AnswersAsync(HttpClient client, int count)
    {
        var answers = new List<string>();
        for (var i = 0; i < count; i++)
        {
            answers.Add(await client.GetStringAsync("/"));
        }
        return answers;
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"not within {Patience}: {what}");
            await Task.Delay(50);
        }
    }

    private sealed class Counter
    {
        private int _value;

        public int Value => Volatile.Read(ref _value);

        public void Increment() => Interlocked.Increment(ref _value);
    }

    private static async Task<WebApplication> StartFakeWorkerAsync(string socketPath, string answer, Counter requests)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ListenUnixSocket(socketPath));
        var app = builder.Build();
        app.Use((context, next) =>
        {
            requests.Increment();
            return next(context);
        });
        app.MapGet("/", () => answer);
        await app.StartAsync();
        return app;
    }
}
