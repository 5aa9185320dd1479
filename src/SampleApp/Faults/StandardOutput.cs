using Microsoft.Win32.SafeHandles;

namespace SampleApp.Faults;

/// <summary>Closes this process's stdout the way a daemonizing library does.</summary>
internal static class StandardOutput
{
    private static SafeFileHandle? s_devNull;

    /// <summary>
    /// Closes fd 1, whatever it was (the primary's pipe ends for this worker), and puts
    /// /dev/null in its place (the lowest free descriptor), so later writes go nowhere instead of failing.
    /// </summary>
    public static void Close()
    {
        new SafeFileHandle(1, ownsHandle: true).Dispose();
        s_devNull ??= File.OpenHandle("/dev/null", FileMode.Open, FileAccess.Write);
    }
}
