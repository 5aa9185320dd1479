namespace ClusterHost.FunctionalTests.Hosting;

/// <summary>The tests that run the installed clusterhost tool: one pack and install for all of them.</summary>
[CollectionDefinition(Name)]
public sealed class InstalledToolCollection : ICollectionFixture<InstalledTool>
{
    public const string Name = "Installed tool";
}
