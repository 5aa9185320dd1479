using ClusterHost.Text;

namespace ClusterHost.Primary.Configuration;

/// <summary>
/// Forwards to <see cref="EnumNames{TEnum}"/> for the call sites left in Balancing/Proxy/ProxyBalancer.cs
/// and ProxyConfigFactoryTests.cs; delete it once they call <c>EnumNames&lt;ProxyBalancePolicy&gt;</c>.
/// </summary>
internal static class ProxyBalancePolicyNames
{
    public static string ToName(ProxyBalancePolicy policy) => EnumNames<ProxyBalancePolicy>.ToName(policy);

    public static bool TryParse(string value, out ProxyBalancePolicy policy) => EnumNames<ProxyBalancePolicy>.TryParse(value, out policy);
}
