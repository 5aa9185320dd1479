namespace ClusterHost.Primary.Configuration;

/// <summary>The names users type for <see cref="ProxyBalancePolicy"/> (<c>--balance</c>).</summary>
internal static class ProxyBalancePolicyNames
{
    public static readonly IReadOnlyList<string> All = EnumNames.All<ProxyBalancePolicy>(ToName);

    public static string ToName(ProxyBalancePolicy policy) => policy switch
    {
        ProxyBalancePolicy.RoundRobin => "round-robin",
        ProxyBalancePolicy.LeastRequests => "least-requests",
        ProxyBalancePolicy.PowerOfTwo => "power-of-two",
        ProxyBalancePolicy.Random => "random",
        _ => throw new ArgumentOutOfRangeException(nameof(policy), policy, null),
    };

    public static bool TryParse(string value, out ProxyBalancePolicy policy) => EnumNames.TryParse(value, ToName, out policy);
}
