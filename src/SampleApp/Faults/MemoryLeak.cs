namespace SampleApp.Faults;

/// <summary>Memory allocated on request and never released while the process lives.</summary>
internal static class MemoryLeak
{
    private const int ChunkBytes = 1024 * 1024;
    private const int PageBytes = 4096;

    private static readonly List<byte[]> Kept = [];
    private static readonly Lock Gate = new();

    /// <summary>Megabytes kept so far.</summary>
    public static int KeptMegabytes
    {
        get
        {
            lock (Gate)
            {
                return Kept.Count;
            }
        }
    }

    /// <summary>Allocates and keeps <paramref name="megabytes"/> MB unless the total would pass <paramref name="maxTotal"/>.</summary>
    /// <returns>The new total, or null when it would pass the limit (nothing is allocated then).</returns>
    public static int? TryLeak(int megabytes, int maxTotal)
    {
        lock (Gate)
        {
            if (Kept.Count + megabytes > maxTotal)
            {
                return null;
            }
            for (var i = 0; i < megabytes; i++)
            {
                var chunk = GC.AllocateUninitializedArray<byte>(ChunkBytes);
                // Touch every page so the memory is resident, not just reserved.
                for (var offset = 0; offset < chunk.Length; offset += PageBytes)
                {
                    chunk[offset] = 1;
                }
                Kept.Add(chunk);
            }
            return Kept.Count;
        }
    }
}
