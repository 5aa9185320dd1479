using ClusterHost.Text;

namespace ClusterHost.Primary.Supervision;

/// <summary>
/// Forwards to <see cref="EnumNames{TEnum}"/> for the call sites left in WorkerSlot.cs; delete it
/// once they call <c>EnumNames&lt;WorkerExitReason&gt;.ToName</c>.
/// </summary>
internal static class WorkerExitReasonNames
{
    public static string ToName(WorkerExitReason reason) => EnumNames<WorkerExitReason>.ToName(reason);
}
