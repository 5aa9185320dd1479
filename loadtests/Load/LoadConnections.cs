namespace ClusterHost.LoadTests.Load;

/// <summary>Opens the keep-alive connections a load scenario runs on.</summary>
internal static class LoadConnections
{
    /// <summary>
    /// Opens <paramref name="count"/> keep-alive connections such that every worker owns at least
    /// one (every one of <paramref name="workers"/>, or at least two when that is unknown). The
    /// kernel's hash is uneven with few connections, so this opens more when needed (at most
    /// 4 × count + 16 in all) and closes the surplus of the workers that got most.
    /// </summary>
    public static async Task<IReadOnlyList<OwnedConnection>> OpenCoveringAsync(LoadClient client, int count, int? workers, CancellationToken abort)
    {
        var wanted = Math.Min(workers ?? 2, count);
        var opened = new List<OwnedConnection>();
        var attempts = 4 * count + 16;
        for (var i = 0; i < attempts; i++)
        {
            if (opened.Count >= count && opened.Select(c => c.Worker).Distinct().Count() >= wanted)
            {
                break;
            }
            if (await client.OpenOwnedAsync("load", abort) is { } connection)
            {
                opened.Add(connection);
            }
        }

        // Keep the first connection of each worker, then the others in the order opened.
        var kept = opened.GroupBy(c => c.Worker).Select(g => g.First()).ToList();
        kept.AddRange(opened.Except(kept).Take(Math.Max(0, count - kept.Count)));
        foreach (var surplus in opened.Except(kept))
        {
            surplus.Connection.Dispose();
        }
        return [.. opened.Where(kept.Contains)];
    }
}
