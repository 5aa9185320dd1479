using ClusterHost.Text;

namespace ClusterHost.Primary.Configuration;

/// <summary>
/// Forwards to <see cref="EnumNames{TEnum}"/> for the call site left in Supervisor.cs; delete it
/// once that line calls <c>EnumNames&lt;BalancingMode&gt;.ToName</c>.
/// </summary>
internal static class BalancingModeNames
{
    public static string ToName(BalancingMode mode) => EnumNames<BalancingMode>.ToName(mode);
}
