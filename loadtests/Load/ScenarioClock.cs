namespace ClusterHost.LoadTests.Load;

/// <summary>Milliseconds since the scenario started, from a monotonic clock.</summary>
internal sealed class ScenarioClock(TimeProvider timeProvider)
{
    private readonly long _start = timeProvider.GetTimestamp();

    public TimeProvider TimeProvider => timeProvider;

    public double NowMs => Math.Round(timeProvider.GetElapsedTime(_start).TotalMilliseconds, 3);
}
