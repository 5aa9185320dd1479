namespace ClusterHost.LoadTests.Cli;

/// <summary>The names users type for <see cref="ScenarioKind"/>.</summary>
internal static class ScenarioNames
{
    public static readonly IReadOnlyList<string> All = [.. Enum.GetValues<ScenarioKind>().Select(ToName)];

    public static string ToName(ScenarioKind scenario) => scenario switch
    {
        ScenarioKind.Stickiness => "stickiness",
        ScenarioKind.BlockedWorker => "blocked-worker",
        ScenarioKind.Crash => "crash",
        _ => throw new ArgumentOutOfRangeException(nameof(scenario), scenario, null),
    };

    public static bool TryParse(string value, out ScenarioKind scenario)
    {
        foreach (var candidate in Enum.GetValues<ScenarioKind>())
        {
            if (string.Equals(ToName(candidate), value, StringComparison.OrdinalIgnoreCase))
            {
                scenario = candidate;
                return true;
            }
        }
        scenario = default;
        return false;
    }
}
