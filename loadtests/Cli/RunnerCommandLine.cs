using ClusterHost.CommandLine;
using ClusterHost.Text;

namespace ClusterHost.LoadTests.Cli;

/// <summary>
/// The runner's command line: <c>&lt;scenario&gt; [--switch value | --switch=value]...</c>. Every
/// problem is collected, not just the first; <see cref="RunnerOptionsValidator"/> adds the checks
/// that span switches.
/// </summary>
internal sealed record RunnerCommandLine
{
    public bool ShowHelp { get; init; }

    /// <summary>The options, meaningful only when <see cref="Errors"/> is empty.</summary>
    public RunnerOptions Options { get; init; } = new();

    /// <summary>The switches given, as typed in <see cref="RunnerSwitches"/>.</summary>
    public IReadOnlySet<string> Given { get; init; } = new HashSet<string>();

    public IReadOnlyList<string> Errors { get; init; } = [];

    public static RunnerCommandLine Parse(IReadOnlyList<string> args)
    {
        if (args.Count == 0 || args.Any(a => a is "--help" or "-h" or "-?" or "help"))
        {
            return new RunnerCommandLine { ShowHelp = true, Errors = args.Count == 0 ? ["no scenario given; see --help"] : [] };
        }

        var options = new RunnerOptions();
        var errors = new List<string>();
        var given = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var scenarioSeen = false;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                if (scenarioSeen)
                {
                    errors.Add($"unexpected argument '{arg}'; one scenario per run, switches start with --");
                }
                else if (EnumNames<ScenarioKind>.TryParse(arg, out var scenario))
                {
                    options.Scenario = scenario;
                }
                else
                {
                    errors.Add($"unknown scenario '{arg}'; allowed: {string.Join(", ", EnumNames<ScenarioKind>.All)}");
                }
                scenarioSeen = true;
                continue;
            }

            var (name, value) = SwitchArgument.Read(args, ref i);
            var option = RunnerSwitches.Find(name);
            if (option is null)
            {
                errors.Add($"unknown option '{name}'; allowed: {string.Join(", ", RunnerSwitches.All.Select(s => s.Name))}, --help");
                continue;
            }
            if (value is null)
            {
                errors.Add($"{option.Name} needs a value: {option.Name} {option.ValueName}");
                continue;
            }
            if (option.Apply(options, value) is { } problem)
            {
                errors.Add($"{option.Name} {problem} (got '{value}')");
                continue;
            }
            given.Add(option.Name);
        }
        if (!scenarioSeen)
        {
            errors.Add($"no scenario given; the first argument is one of {string.Join(", ", EnumNames<ScenarioKind>.All)}");
        }

        var commandLine = new RunnerCommandLine { Options = options, Given = given, Errors = errors };
        if (errors.Count == 0)
        {
            RunnerOptionsValidator.Validate(options, given, errors);
        }
        return commandLine;
    }
}
