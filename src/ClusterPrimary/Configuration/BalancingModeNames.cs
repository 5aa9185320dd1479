namespace ClusterHost.Primary.Configuration;

/// <summary>The names users type for <see cref="BalancingMode"/>.</summary>
internal static class BalancingModeNames
{
    public static readonly IReadOnlyList<string> All = [.. Enum.GetValues<BalancingMode>().Select(ToName)];

    public static string ToName(BalancingMode mode) => mode switch
    {
        BalancingMode.ReusePort => "reuseport",
        BalancingMode.Proxy => "proxy",
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, null),
    };

    public static bool TryParse(string value, out BalancingMode mode)
    {
        foreach (var candidate in Enum.GetValues<BalancingMode>())
        {
            if (string.Equals(ToName(candidate), value.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                mode = candidate;
                return true;
            }
        }
        mode = default;
        return false;
    }
}
