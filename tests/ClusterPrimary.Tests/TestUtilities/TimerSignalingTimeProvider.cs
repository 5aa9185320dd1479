using Microsoft.Extensions.Time.Testing;

namespace ClusterHost.Primary.Tests.TestUtilities;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that tells when code under test has created a timer, so a test
/// advances the clock only once the timer it means to fire exists (no sleep to "let it register").
/// </summary>
internal sealed class TimerSignalingTimeProvider : FakeTimeProvider
{
    private readonly SemaphoreSlim _created = new(0);

    /// <summary>Completes once a timer not waited for before has been created.</summary>
    public Task NextTimerCreated() => _created.WaitAsync();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        _created.Release();
        return timer;
    }
}
