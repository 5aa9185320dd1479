using ClusterHost.Primary.Supervision;

namespace ClusterHost.Primary.Tests.TestUtilities;

/// <summary>Waits on a slot's changes instead of sleeping: no fixed delay, and a bound so a broken slot fails the test.</summary>
internal static class WorkerSlotWaits
{
    /// <summary>How long a wait may take before the test fails; generous, since nothing here waits on a clock.</summary>
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    /// <summary>Completes once <paramref name="condition"/> holds, re-testing it at every change of the slot.</summary>
    public static async Task WaitUntilAsync(this WorkerSlot slot, Func<bool> condition, string what)
    {
        using var bound = new CancellationTokenSource(Bound);
        while (true)
        {
            // Changed first, then the test: a change in between completes it.
            var changed = slot.Changed;
            if (condition())
            {
                return;
            }
            try
            {
                await changed.WaitAsync(bound.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"Slot {slot.Id} did not reach '{what}' within {Bound} (state {slot.State}).");
            }
        }
    }

    /// <summary>Completes once the slot is in <paramref name="state"/>.</summary>
    public static Task WaitForStateAsync(this WorkerSlot slot, WorkerSlotState state) =>
        slot.WaitUntilAsync(() => slot.State == state, state.ToString());
}
