using System.Runtime.InteropServices;

namespace ClusterHost.Primary.Platform;

internal static partial class Interop
{
    /// <summary>geteuid(2): the effective user id of this process; never fails.</summary>
    [LibraryImport("libc", EntryPoint = "geteuid")]
    public static partial uint GetEUid();
}
