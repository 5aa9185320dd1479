using System.Text.Json;

namespace ClusterHost.FunctionalTests.Infrastructure;

/// <summary>
/// The raw results the scenario runner writes with <c>--json</c>, read back as a user would:
/// the tests check the acceptance criteria on these raw requests, not on the runner's own report.
/// </summary>
internal sealed record ScenarioRun(string Scenario, string Verdict, ScenarioTarget Target, IReadOnlyList<ScenarioRequest> Requests)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static ScenarioRun Load(string path) =>
        JsonSerializer.Deserialize<ScenarioRun>(File.ReadAllText(path), Json) ?? throw new InvalidDataException($"{path} holds no results");

    /// <summary>Per connection, the pid of the process that answered its first request (its owner in reuseport mode).</summary>
    public IReadOnlyDictionary<int, (int Worker, int Pid)> Owners() =>
        Requests.Where(r => r.Worker is not null && r.Pid is not null).OrderBy(r => r.StartMs).GroupBy(r => r.Connection)
            .ToDictionary(g => g.Key, g => (g.First().Worker!.Value, g.First().Pid!.Value));

    /// <summary>Every pid the run names: the workers at start and every process that answered.</summary>
    public IEnumerable<int> AllPids() => Target.Pids.Concat(Requests.Select(r => r.Pid).OfType<int>()).Distinct();
}
