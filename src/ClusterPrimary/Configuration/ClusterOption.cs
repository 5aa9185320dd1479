namespace ClusterHost.Primary.Configuration;

/// <summary>
/// One setting of <see cref="ClusterHostOptions"/>: its command-line switch, configuration key,
/// help text, and how to read it. The table in <see cref="ClusterOptionTable"/> drives the
/// command-line parser, <c>--help</c>, and the binder alike, so they cannot disagree.
/// </summary>
internal sealed record ClusterOption(
    string Switch,
    string Key,
    string ValueName,
    string Help,
    Func<string> DefaultText,
    Func<ClusterHostOptions, string, string?> Apply);
