using ClusterHost.LoadTests.Load;

namespace ClusterHost.LoadTests.Reports;

/// <summary>Which worker answered each connection's requests.</summary>
internal static class ConnectionOwners
{
    /// <summary>Per connection, the workers that answered on it, in the order first seen.</summary>
    public static IReadOnlyDictionary<int, IReadOnlyList<int>> WorkersSeen(IEnumerable<RequestRecord> requests) =>
        requests.Where(r => r.Worker is not null).OrderBy(r => r.StartMs).GroupBy(r => r.Connection)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<int>)[.. g.Select(r => r.Worker!.Value).Distinct()]);

    /// <summary>The worker that answered first on each connection: its owner, when the mode is connection-level.</summary>
    public static IReadOnlyDictionary<int, int> FirstAnswer(IEnumerable<RequestRecord> requests) =>
        WorkersSeen(requests).ToDictionary(p => p.Key, p => p.Value[0]);

    /// <summary>The worker a request belongs to: the one that answered it, else its connection's owner; null if unknown.</summary>
    public static int? Of(RequestRecord request, IReadOnlyDictionary<int, int> owners) =>
        request.Worker ?? (owners.TryGetValue(request.Connection, out var owner) ? owner : null);
}
