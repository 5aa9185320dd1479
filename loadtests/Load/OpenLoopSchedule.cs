namespace ClusterHost.LoadTests.Load;

/// <summary>
/// When each request of an open-loop run is due, whatever happened to the earlier ones: request
/// <c>i</c> at <c>start + i / rate</c>, on connection <c>i mod connections</c> (so each connection
/// is due every <c>connections / rate</c> seconds, its turns spread evenly between the others').
/// Latency is measured from this intended time, not from when the request could be sent, so a
/// request that waited for a busy connection counts its wait (no coordinated omission).
/// </summary>
internal sealed class OpenLoopSchedule
{
    public OpenLoopSchedule(double ratePerSecond, int connections, double startMs)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ratePerSecond);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(connections);
        RatePerSecond = ratePerSecond;
        Connections = connections;
        StartMs = startMs;
    }

    public double RatePerSecond { get; }

    public int Connections { get; }

    /// <summary>When request 0 is due, in the run's clock (ms).</summary>
    public double StartMs { get; }

    /// <summary>Milliseconds between two requests due.</summary>
    public double IntervalMs => 1000 / RatePerSecond;

    /// <summary>When request <paramref name="index"/> is due (ms, the run's clock).</summary>
    public double IntendedMs(long index) => StartMs + index * 1000 / RatePerSecond;

    /// <summary>The connection request <paramref name="index"/> goes on.</summary>
    public int ConnectionOf(long index) => (int)(index % Connections);

    /// <summary>How many requests are due before <paramref name="ms"/>: the first index due at or after it.</summary>
    public long CountBefore(double ms) =>
        // The nanosecond of slack absorbs rounding: start + 2500 ms at 40/s is 100 requests, never 101.
        ms <= StartMs ? 0 : (long)Math.Ceiling((ms - StartMs) * RatePerSecond / 1000 - 1e-6);
}
