using System.Globalization;
using ClusterHost.LoadTests.Load;
using Microsoft.Extensions.Logging;

namespace ClusterHost.LoadTests.Scenarios;

/// <summary>What the load scenarios share: their keep-alive connections, and the choice of the worker to hurt.</summary>
internal static class LoadSetup
{
    /// <summary>Attempts at landing a new connection on a given worker (the kernel picks; 1 in N each).</summary>
    public const int FindAttempts = 200;

    /// <summary>Load before the fault, so that every connection and worker is warm when it comes.</summary>
    public static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(1);

    /// <summary>Load after the fault, so that the report shows the cluster serving again.</summary>
    public static readonly TimeSpan CoolDown = TimeSpan.FromSeconds(1);

    /// <summary>Opens the load connections, covering every worker; throws when fewer than two workers answer.</summary>
    public static async Task<IReadOnlyList<OwnedConnection>> OpenLoadConnectionsAsync(ScenarioContext context, LoadClient client, CancellationToken abort)
    {
        var workers = context.Target.Workers;
        var count = context.Options.ConnectionsFor(workers ?? 2);
        var connections = await LoadConnections.OpenCoveringAsync(client, count, workers, abort);
        Log.ConnectionsOpened(context.Logger, connections.Count, string.Join(", ",
            connections.GroupBy(c => c.Worker).OrderBy(g => g.Key).Select(g => string.Create(CultureInfo.InvariantCulture, $"worker {g.Key} owns {g.Count()}"))));
        if (connections.Select(c => c.Worker).Distinct().Count() < 2)
        {
            Dispose(connections);
            throw new ScenarioException(connections.Count == 0
                ? $"no connection to {context.Target.Url} was answered"
                : $"all {connections.Count} connections landed on worker {connections[0].Worker}; the scenario compares workers and needs at least two");
        }
        return connections;
    }

    /// <summary>The requested worker, or the one owning most load connections (the lowest id among equals).</summary>
    public static int ChooseVictim(IReadOnlyList<OwnedConnection> connections, int? requested) =>
        requested ?? connections.GroupBy(c => c.Worker).OrderByDescending(g => g.Count()).ThenBy(g => g.Key).First().Key;

    /// <summary>A connection owned by <paramref name="worker"/>, for the request that hurts it.</summary>
    public static async Task<OwnedConnection> FindConnectionToAsync(LoadClient client, int worker, string purpose, CancellationToken abort) =>
        await client.FindOwnedByAsync(worker, purpose, FindAttempts, abort)
        ?? throw new ScenarioException($"no new connection landed on worker {worker} in {FindAttempts} attempts; is there such a worker?");

    /// <summary>Explains an answered fault request that should have blocked or crashed a worker.</summary>
    public static ScenarioException Unexpected(RequestRecord request) => request.Status == 404
        ? new ScenarioException($"{request.Path} answered 404: the target's fault endpoints are off (start its app with --SampleApp:EnableFaults=true)")
        : new ScenarioException($"{request.Path} did not do its job: {request.Outcome} {request.Status?.ToString(CultureInfo.InvariantCulture)} {request.Error}".TrimEnd());

    public static void Dispose(IEnumerable<OwnedConnection> connections)
    {
        foreach (var connection in connections)
        {
            connection.Connection.Dispose();
        }
    }

    /// <summary>Stops the load lanes and waits for them.</summary>
    public static async Task StopAsync(CancellationTokenSource stop, IEnumerable<Task> lanes)
    {
        await stop.CancelAsync();
        try
        {
            await Task.WhenAll(lanes);
        }
        catch (OperationCanceledException)
        {
            // Aborted: the caller's token says so.
        }
    }
}
