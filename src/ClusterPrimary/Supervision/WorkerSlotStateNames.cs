using System.Text;

namespace ClusterHost.Primary.Supervision;

/// <summary>The lower-case names of <see cref="WorkerSlotState"/> used in metric labels: <c>GaveUp</c> is <c>gave-up</c>.</summary>
internal static class WorkerSlotStateNames
{
    public static string ToName(WorkerSlotState state)
    {
        var text = new StringBuilder();
        foreach (var c in state.ToString())
        {
            if (char.IsAsciiLetterUpper(c) && text.Length > 0)
            {
                text.Append('-');
            }
            text.Append(char.ToLowerInvariant(c));
        }
        return text.ToString();
    }
}
