using ClusterHost.LoadTests.Cli;
using ClusterHost.LoadTests.Cluster;
using Microsoft.Extensions.Logging;

namespace ClusterHost.LoadTests.Scenarios;

/// <summary>What a scenario runs against and with.</summary>
internal sealed record ScenarioContext(ClusterTarget Target, RunnerOptions Options, ILogger Logger, TimeProvider TimeProvider);
