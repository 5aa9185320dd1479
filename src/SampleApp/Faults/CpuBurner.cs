using System.Diagnostics;

namespace SampleApp.Faults;

/// <summary>Keeps the calling thread busy on the CPU; other requests run on other pool threads.</summary>
internal static class CpuBurner
{
    public static void Burn(TimeSpan duration)
    {
        var stopwatch = Stopwatch.StartNew();
        var spin = new SpinWait();
        while (stopwatch.Elapsed < duration)
        {
            // SpinWait.SpinOnce(-1) never yields to other threads, so the CPU stays busy.
            spin.SpinOnce(sleep1Threshold: -1);
        }
    }
}
