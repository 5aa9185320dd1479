using System.Net.Sockets;
using System.Runtime.CompilerServices;

namespace ClusterHost.Primary.Platform;

/// <summary>
/// Runs the completions of one socket's asynchronous operations on .NET's socket event thread
/// itself, instead of queueing each to the thread pool: one thread wake-up fewer per completion.
/// For sockets whose continuations only do short, non-blocking work.
/// </summary>
/// <remarks>
/// The runtime has this per socket as an experimental member, <c>Socket.PreferInlineCompletions</c>,
/// left internal and kept for callers that set it by reflection (its process-wide form is the
/// <c>DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1</c> variable, which would reach every socket
/// of the primary and, inherited, of the workers). Where a runtime lacks the member, the socket
/// keeps the default and <see cref="TryEnable"/> says so.
/// </remarks>
internal static class InlineSocketCompletions
{
    /// <summary>
    /// Asks for inline completions on <paramref name="socket"/>, before its first asynchronous
    /// operation; false when this runtime does not offer it.
    /// </summary>
    public static bool TryEnable(Socket socket)
    {
        try
        {
            SetPreferInlineCompletions(socket, true);
            return true;
        }
        catch (MissingMemberException)
        {
            return false;
        }
    }

    [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "set_PreferInlineCompletions")]
    private static extern void SetPreferInlineCompletions(Socket socket, bool value);
}
