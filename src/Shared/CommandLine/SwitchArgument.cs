namespace ClusterHost.CommandLine;

/// <summary>
/// Reads one switch of a command line: <c>--name=value</c>, or <c>--name value</c> where the
/// next argument does not itself start with <c>--</c>. Shared by the primary and the scenario
/// runner so that both parse alike.
/// </summary>
internal static class SwitchArgument
{
    /// <summary>
    /// Reads the switch at <paramref name="index"/>, moving <paramref name="index"/> past its value
    /// when the value is the next argument. The value is null when the switch has none; an unknown
    /// switch's value is consumed all the same, so it is not taken for another argument.
    /// </summary>
    public static (string Name, string? Value) Read(IReadOnlyList<string> args, ref int index)
    {
        var arg = args[index];
        var equals = arg.IndexOf('=', StringComparison.Ordinal);
        if (equals >= 0)
        {
            return (arg[..equals], arg[(equals + 1)..]);
        }
        if (index + 1 < args.Count && !args[index + 1].StartsWith("--", StringComparison.Ordinal))
        {
            return (arg, args[++index]);
        }
        return (arg, null);
    }
}
