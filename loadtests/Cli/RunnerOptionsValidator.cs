using ClusterHost.Text;

namespace ClusterHost.LoadTests.Cli;

/// <summary>The checks that span switches: what fits the scenario, and what fits <c>--url</c>.</summary>
internal static class RunnerOptionsValidator
{
    /// <summary>Adds every problem to <paramref name="errors"/>, without stopping at the first.</summary>
    public static void Validate(RunnerOptions options, IReadOnlySet<string> given, ICollection<string> errors)
    {
        var scenario = EnumNames<ScenarioKind>.ToName(options.Scenario);
        foreach (var option in RunnerSwitches.All.Where(s => given.Contains(s.Name)))
        {
            if (option.Scenarios.Count > 0 && !option.Scenarios.Contains(options.Scenario))
            {
                errors.Add($"{option.Name} applies to {string.Join(" and ", option.Scenarios.Select(EnumNames<ScenarioKind>.ToName))}, not {scenario}");
            }
        }
        if (options.Duration is { } duration)
        {
            var (min, max) = options.Scenario == ScenarioKind.Chaos
                ? (RunnerOptions.MinChaosSeconds, RunnerOptions.MaxChaosSeconds)
                : (1, RunnerOptions.MaxMixedCostSeconds);
            if (duration < min || duration > max)
            {
                errors.Add($"--duration must be from {min} to {max} for {scenario} (got '{duration}')");
            }
        }
        if (options.Url is not null)
        {
            foreach (var name in new[] { "--mode", "--workers", "--balance" }.Where(given.Contains))
            {
                errors.Add($"{name} configures the cluster the runner starts; it cannot be combined with --url");
            }
        }
        else
        {
            if (options.Balance is not null && options.Mode != "proxy")
            {
                errors.Add("--balance applies to --mode proxy only");
            }
            if (options.Victim is { } victim && victim >= options.Workers)
            {
                errors.Add($"--victim must be a worker of the cluster, 0 to {options.Workers - 1} (got {victim})");
            }
        }
    }
}
