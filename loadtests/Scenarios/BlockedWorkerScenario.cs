using System.Globalization;
using ClusterHost.LoadTests.Cli;
using ClusterHost.LoadTests.Load;
using ClusterHost.LoadTests.Reports;
using ClusterHost.Text;

namespace ClusterHost.LoadTests.Scenarios;

/// <summary>
/// Load on keep-alive connections owned by every worker; after a second of warm-up one worker
/// is blocked (<c>/block</c>, sent on a connection of its own) for T seconds; the load runs on
/// a second past the block.
/// </summary>
internal sealed class BlockedWorkerScenario : IScenario
{
    /// <summary>Beyond the block itself, how long any request may take.</summary>
    public static readonly TimeSpan RequestTimeoutMargin = TimeSpan.FromSeconds(30);

    public async Task<ScenarioResult> RunAsync(ScenarioContext context, CancellationToken abort)
    {
        var options = context.Options;
        var blockMs = (int)Math.Round(options.BlockSeconds * 1000);
        var recorder = new ScenarioRecorder(new ScenarioClock(context.TimeProvider));
        var client = new LoadClient(context.Target.Url, recorder, TimeSpan.FromMilliseconds(blockMs) + RequestTimeoutMargin);

        var connections = await LoadSetup.OpenLoadConnectionsAsync(context, client, abort);
        var victim = LoadSetup.ChooseVictim(connections, options.Victim);
        OwnedConnection owned;
        try
        {
            owned = await LoadSetup.FindConnectionToAsync(client, victim, "block", abort);
        }
        catch
        {
            LoadSetup.Dispose(connections);
            throw;
        }
        using var control = owned.Connection;

        using var stop = new CancellationTokenSource();
        var think = TimeSpan.FromMilliseconds(options.ThinkMs);
        var lanes = connections.Select(c => new LoadLane(client, c, think).RunAsync(stop.Token, abort)).ToList();
        RequestRecord block;
        try
        {
            await Task.Delay(LoadSetup.WarmUp, context.TimeProvider, abort);
            Log.Blocking(context.Logger, victim, owned.Pid, options.BlockSeconds, control.Id);
            block = await client.SendAsync(control, string.Create(CultureInfo.InvariantCulture, $"/block?ms={blockMs}"), RequestKind.Block, abort);
            Log.BlockEnded(context.Logger, (long)block.DurationMs);
            if (!block.Succeeded || block.Worker is null)
            {
                throw LoadSetup.Unexpected(block);
            }
            await Task.Delay(LoadSetup.CoolDown, context.TimeProvider, abort);
        }
        finally
        {
            await LoadSetup.StopAsync(stop, lanes);
        }

        var requests = recorder.Requests;
        var report = BlockedWorkerReport.Compute(requests, block, blockMs, options.ThinkMs, context.Target.Workers, context.Target.Mode);
        return new ScenarioResult
        {
            Scenario = EnumNames<ScenarioKind>.ToName(ScenarioKind.BlockedWorker),
            Target = context.Target,
            Connections = recorder.Connections,
            Requests = requests,
            BlockedWorker = report,
        };
    }
}
