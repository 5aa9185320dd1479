using System.Text.Json.Serialization;
using ClusterHost.LoadTests.Load;
using ClusterHost.LoadTests.Scenarios;

namespace ClusterHost.LoadTests;

/// <summary>JSON for the SampleApp's answers and for <c>--json</c> results: camelCase, enums as strings.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true,
    WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(WorkerAnswer))]
[JsonSerializable(typeof(ScenarioResult))]
internal sealed partial class RunnerJsonContext : JsonSerializerContext;
