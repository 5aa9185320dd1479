using System.Text;

namespace ClusterHost.Primary.Configuration;

/// <summary>The text of <c>--help</c>, generated from <see cref="ClusterOptionTable"/>.</summary>
internal static class HelpText
{
    public static string Build()
    {
        var text = new StringBuilder();
        text.AppendLine("ClusterHost: runs an ASP.NET Core app as one Kestrel worker process per CPU.");
        text.AppendLine();
        text.AppendLine("Usage: clusterhost [options] [APP] [-- app arguments]");
        text.AppendLine();
        text.AppendLine("APP is the app's .dll (dotnet build/publish output) or its apphost executable; the app needs no");
        text.AppendLine("reference to ClusterHost. It runs in the directory clusterhost runs in (see --cwd).");
        text.AppendLine();
        text.AppendLine("Commands, to a running primary over its control socket (--control-socket PATH; each has --help):");
        foreach (var (_, usage, description) in Commands.OperatorCommandLine.Commands)
        {
            text.Append("  clusterhost ").Append(usage.PadRight(28)).AppendLine(description);
        }
        text.AppendLine();
        text.AppendLine("Options (also Cluster:<Name> in appsettings.json, or Cluster__<Name> in the environment):");
        var width = ClusterOptionTable.All.Max(o => o.Switch.Length + o.ValueName.Length) + 3;
        foreach (var option in ClusterOptionTable.All)
        {
            text.Append("  ").Append($"{option.Switch} {option.ValueName}".PadRight(width))
                .Append(option.Help).Append(" (default: ").Append(option.DefaultText()).AppendLine(")");
        }
        text.Append("  ").Append("--help".PadRight(width)).AppendLine("show this text");
        text.AppendLine();
        text.AppendLine("Arguments after a lone -- go to every worker's app. Exit codes: 0 stopped on request,");
        text.AppendLine("1 cannot serve (port in use), 2 invalid options, 3 every worker crash-looped, 4 the app cannot be");
        text.AppendLine("hosted (not an ASP.NET Core app, or injection is impossible).");
        return text.ToString();
    }
}
