using System.Diagnostics;

namespace SampleApp.Faults;

/// <summary>
/// Floods this process's stdout on a thread of its own: whole lines at a given rate for a given
/// time, written straight to the file descriptor (no console lock, no logger queue), the way a
/// chatty native library or a debug print loop would.
/// </summary>
internal static class OutputFlood
{
    private static readonly byte[] Line = System.Text.Encoding.ASCII.GetBytes(new string('#', 99) + "\n");

    /// <summary>Starts writing <paramref name="megabytesPerSecond"/> MB/s for <paramref name="duration"/>; returns at once.</summary>
    public static void Start(int megabytesPerSecond, TimeSpan duration)
    {
        new Thread(() => Run(megabytesPerSecond, duration)) { IsBackground = true, Name = "SampleApp stdout flood" }.Start();
    }

    private static void Run(int megabytesPerSecond, TimeSpan duration)
    {
        // 64 KiB of whole lines per write, paced every 10 ms.
        var chunk = new byte[Line.Length * (65536 / Line.Length)];
        for (var i = 0; i < chunk.Length; i += Line.Length)
        {
            Line.CopyTo(chunk, i);
        }
        using var stdout = Console.OpenStandardOutput();
        var perTick = megabytesPerSecond * 1_000_000L / 100;
        var clock = Stopwatch.StartNew();
        long written = 0;
        try
        {
            while (clock.Elapsed < duration)
            {
                var due = (long)(clock.Elapsed.TotalSeconds * 100 + 1) * perTick;
                while (written < due)
                {
                    stdout.Write(chunk);
                    written += chunk.Length;
                }
                Thread.Sleep(10);
            }
        }
        catch (IOException)
        {
            // stdout closed: nothing more to flood.
        }
    }
}
