using ClusterHost.CommandLine;

namespace ClusterHost.Primary.Configuration;

/// <summary>
/// The primary's command line: <c>[options] [APP] [options] [-- app arguments]</c>. Options are
/// <c>--name value</c> or <c>--name=value</c>, from <see cref="ClusterOptionTable"/>; they become
/// configuration keys under <c>Cluster:</c>, so they override appsettings.json and the environment.
/// The one argument before <c>--</c> that is not an option is the app (<c>Cluster:App</c>, as
/// <c>--app</c> would set it; giving both is an error).
/// </summary>
internal sealed record ClusterCommandLine
{
    public bool ShowHelp { get; init; }

    /// <summary>Configuration keys (<c>Cluster:Workers</c>) and their values.</summary>
    public IReadOnlyDictionary<string, string?> Settings { get; init; } = new Dictionary<string, string?>();

    /// <summary>Arguments after <c>--</c>, passed to every worker's app.</summary>
    public IReadOnlyList<string> AppArguments { get; init; } = [];

    public IReadOnlyList<string> Errors { get; init; } = [];

    public static ClusterCommandLine Parse(IReadOnlyList<string> args)
    {
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        var errors = new List<string>();
        var showHelp = false;
        string? app = null;
        var i = 0;
        for (; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg == "--")
            {
                i++;
                break;
            }
            if (arg is "--help" or "-h" or "-?")
            {
                showHelp = true;
                continue;
            }
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                if (app is null)
                {
                    app = arg;
                    continue;
                }
                errors.Add($"unexpected argument '{arg}': the app is '{app}'; options start with --, and app arguments go after a lone -- (see --help)");
                continue;
            }

            var (name, value) = SwitchArgument.Read(args, ref i);
            var option = ClusterOptionTable.FindSwitch(name);
            if (option is null)
            {
                errors.Add($"unknown option '{name}'; allowed: {string.Join(", ", ClusterOptionTable.All.Select(o => o.Switch))}, --help");
                continue;
            }
            if (value is null)
            {
                errors.Add($"{option.Switch} needs a value: {option.Switch} {option.ValueName}");
                continue;
            }
            settings[$"{ClusterHostOptions.SectionName}:{option.Key}"] = value;
        }

        var appKey = $"{ClusterHostOptions.SectionName}:{nameof(ClusterHostOptions.App)}";
        if (app is not null)
        {
            if (settings.TryGetValue(appKey, out var appOption))
            {
                errors.Add($"the app is given twice, as APP '{app}' and as --app '{appOption}'; give one");
            }
            else
            {
                settings[appKey] = app;
            }
        }

        return new ClusterCommandLine
        {
            ShowHelp = showHelp,
            Settings = settings,
            AppArguments = [.. args.Skip(i)],
            Errors = errors,
        };
    }
}
