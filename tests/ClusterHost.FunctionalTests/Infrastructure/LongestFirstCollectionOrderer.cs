using Xunit.Abstractions;

[assembly: TestCollectionOrderer(
    "ClusterHost.FunctionalTests.Infrastructure.LongestFirstCollectionOrderer", "ClusterHost.FunctionalTests")]

namespace ClusterHost.FunctionalTests.Infrastructure;

/// <summary>
/// Starts the longest test classes first. Three collections run at a time and each class's tests
/// run one after another, so a long class started last ends the run alone (it did: the reload
/// tests, six minutes, started ten minutes in). Longest first, the threads finish close
/// together. The order changes no test's outcome; unlisted classes keep xunit's order after these.
/// (The <see cref="LoadSensitive"/> collection runs alone after all of them, whatever the order.)
/// </summary>
public sealed class LongestFirstCollectionOrderer : ITestCollectionOrderer
{
    /// <summary>Classes whose tests together took over a minute, longest first (a full run on 2026-12-01).</summary>
    private static readonly string[] Longest =
    [
        "NonRetryingClientTests", "HttpsClusterTests", "ProbeNoiseTests", "SoakTests",
        "ProxyModeTests", "ShutdownTests", "RealAppTests", "UnmodifiedAppTests", "DemonstrationTests",
        "ProxyDemonstrationTests", "WatchdogTests", "OperatorCommandTests", "RollingReloadTests",
        "SocketActivationTests", "WorkerEnvironmentTests", "StandbyTests", "HandoffModeTests", "MetricsEndpointTests",
        "WorkerRestartTests",
    ];

    public IEnumerable<ITestCollection> OrderTestCollections(IEnumerable<ITestCollection> testCollections) =>
        testCollections.Select((collection, index) => (collection, index))
            .OrderBy(c => Rank(c.collection.DisplayName))
            .ThenBy(c => c.index)
            .Select(c => c.collection);

    private static int Rank(string displayName)
    {
        for (var i = 0; i < Longest.Length; i++)
        {
            if (displayName.EndsWith("." + Longest[i], StringComparison.Ordinal))
            {
                return i;
            }
        }
        return Longest.Length;
    }
}
