using System.Text.RegularExpressions;

namespace ClusterHost.Metrics;

/// <summary>
/// Which meters a worker collects (<c>--metrics-meters</c>): comma-separated meter-name patterns,
/// <c>*</c> matching any run of characters, a leading <c>-</c> excluding. A meter is collected when
/// it matches an include and no exclude; with no include at all, every meter is included
/// (<c>-System.Net.*</c> alone means "everything but System.Net.*"). Matching is case-sensitive,
/// as meter names are. <see cref="Default"/> is every meter but the runtime's
/// <c>Private.InternalDiagnostics.*</c> ones (not public API: .NET 10's MsQuic meter alone adds 30
/// families to every worker that loads System.Net.Quic, as Kestrel does).
/// </summary>
internal sealed class MeterPatterns
{
    /// <summary>Every meter but the runtime's private diagnostics: <c>*,-Private.InternalDiagnostics.*</c>.</summary>
    public const string Default = "*,-Private.InternalDiagnostics.*";

    private readonly Regex[] _includes;
    private readonly Regex[] _excludes;

    private MeterPatterns(Regex[] includes, Regex[] excludes)
    {
        _includes = includes;
        _excludes = excludes;
    }

    /// <summary>The <see cref="Default"/> patterns.</summary>
    public static MeterPatterns Defaults { get; } = Parse(Default, out _)!;

    /// <summary>Parses <paramref name="text"/>; null, with a one-line <paramref name="error"/>, when a pattern is not valid.</summary>
    public static MeterPatterns? Parse(string? text, out string? error)
    {
        error = null;
        var includes = new List<Regex>();
        var excludes = new List<Regex>();
        foreach (var raw in (string.IsNullOrWhiteSpace(text) ? Default : text).Split(','))
        {
            var entry = raw.Trim();
            var exclude = entry.StartsWith('-');
            var pattern = exclude ? entry[1..] : entry;
            if (pattern.Length == 0 || !pattern.All(IsPatternChar))
            {
                error = $"has '{raw.Trim()}', which is not a meter pattern: use meter names with * wildcards, a leading - to exclude, separated by commas (e.g. MyApp.*,-System.Net.Quic*)";
                return null;
            }
            var regex = new Regex("^" + string.Join(".*", pattern.Split('*').Select(Regex.Escape)) + "$", RegexOptions.CultureInvariant);
            (exclude ? excludes : includes).Add(regex);
        }
        if (includes.Count == 0)
        {
            includes.Add(new Regex("^.*$", RegexOptions.CultureInvariant));
        }
        return new MeterPatterns([.. includes], [.. excludes]);
    }

    /// <summary>Whether the meter named <paramref name="meterName"/> is collected.</summary>
    public bool Matches(string meterName) =>
        _includes.Any(r => r.IsMatch(meterName)) && !_excludes.Any(r => r.IsMatch(meterName));

    // Meter names are dotted identifiers in practice; these also allow '-' and '/' seen in library meters.
    private static bool IsPatternChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or '/' or '*';
}
