namespace ClusterHost.LoadTests.Scenarios;

/// <summary>One demonstration: drives the target and returns what it measured, with its report.</summary>
internal interface IScenario
{
    /// <exception cref="ScenarioException">The scenario cannot run against this target.</exception>
    Task<ScenarioResult> RunAsync(ScenarioContext context, CancellationToken abort);
}
