namespace ClusterHost.LoadTests.Cli;

/// <summary>One command-line switch: its name, what it takes, which scenarios use it, and how it sets the options.</summary>
/// <param name="Apply">Sets the value on the options; returns a problem ("must be ...") or null.</param>
/// <param name="Scenarios">The scenarios it applies to; empty for all.</param>
internal sealed record RunnerSwitch(
    string Name,
    string ValueName,
    string Description,
    IReadOnlyList<ScenarioKind> Scenarios,
    Func<RunnerOptions, string, string?> Apply);
