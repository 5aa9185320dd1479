namespace ClusterHost.Primary.Configuration;

/// <summary>The names users type for <see cref="BalancingMode"/>.</summary>
internal static class BalancingModeNames
{
    public static readonly IReadOnlyList<string> All = EnumNames.All<BalancingMode>(ToName);

    public static string ToName(BalancingMode mode) => mode switch
    {
        BalancingMode.ReusePort => "reuseport",
        BalancingMode.Proxy => "proxy",
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, null),
    };

    public static bool TryParse(string value, out BalancingMode mode) => EnumNames.TryParse(value, ToName, out mode);
}
