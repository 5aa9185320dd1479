using ClusterHost.LoadTests.Cli;
using ClusterHost.LoadTests.Http;
using ClusterHost.LoadTests.Load;
using ClusterHost.LoadTests.Reports;
using ClusterHost.Text;

namespace ClusterHost.LoadTests.Scenarios;

/// <summary>
/// K keep-alive connections, all open at once, M requests each (in parallel across connections,
/// in sequence on each); then F fresh connections with one request each.
/// </summary>
internal sealed class StickinessScenario : IScenario
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);

    public async Task<ScenarioResult> RunAsync(ScenarioContext context, CancellationToken abort)
    {
        var options = context.Options;
        var recorder = new ScenarioRecorder(new ScenarioClock(context.TimeProvider));
        var client = new LoadClient(context.Target.Url, recorder, RequestTimeout);

        var count = options.ConnectionsFor(context.Target.Workers ?? 2);
        var connections = new List<RawHttpConnection>();
        try
        {
            for (var i = 0; i < count; i++)
            {
                connections.Add(await client.OpenAsync("keep-alive", RequestKind.Load, abort)
                    ?? throw new ScenarioException($"cannot connect to {context.Target.Url}"));
            }
            await Task.WhenAll(connections.Select(async connection =>
            {
                for (var i = 0; i < options.Requests && !connection.IsClosed; i++)
                {
                    await client.SendAsync(connection, "/", RequestKind.Load, abort);
                }
            }));
        }
        finally
        {
            connections.ForEach(c => c.Dispose());
        }

        for (var i = 0; i < options.Fresh; i++)
        {
            using var fresh = await client.OpenAsync("fresh", RequestKind.Fresh, abort);
            if (fresh is not null)
            {
                await client.SendAsync(fresh, "/", RequestKind.Fresh, abort);
            }
        }

        var requests = recorder.Requests;
        return new ScenarioResult
        {
            Scenario = EnumNames<ScenarioKind>.ToName(ScenarioKind.Stickiness),
            Target = context.Target,
            Connections = recorder.Connections,
            Requests = requests,
            Stickiness = StickinessReport.Compute(recorder.Connections, requests, context.Target.Workers, context.Target.Mode),
        };
    }
}
