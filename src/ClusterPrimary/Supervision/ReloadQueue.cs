using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace ClusterHost.Primary.Supervision;

/// <summary>
/// Rolling reloads (SIGHUP), one at a time: one request made during a reload is queued and runs
/// after it; further ones coalesce into that queued one. A reload replaces every ready worker,
/// one at a time, and stops at the first replacement that fails, keeping the rest.
/// </summary>
internal sealed class ReloadQueue(WorkerSlots slots, TimeProvider time, ILogger<ReloadQueue> logger)
{
    private readonly Channel<bool> _requests = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.Wait });

    /// <summary>A reload was asked for (queued or coalesced); raised on the caller's thread.</summary>
    public event Action? Requested;

    /// <summary>A reload ended (finished, aborted or failed) and none is queued.</summary>
    public event Action? Settled;

    /// <summary>Asks for a rolling reload; queued, or coalesced into the one already queued.</summary>
    public void Request()
    {
        Requested?.Invoke();
        if (_requests.Writer.TryWrite(true))
        {
            Log.ReloadRequested(logger);
        }
        else
        {
            Log.ReloadCoalesced(logger);
        }
    }

    /// <summary>Runs the queued reloads until <paramref name="stoppingToken"/> is cancelled; a failed reload is logged and the next one runs.</summary>
    public async Task RunAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var _ in _requests.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    await ReloadAsync().ConfigureAwait(false);
                }
                catch (Exception e)
                {
                    Log.ReloadFailed(logger, e);
                }
                if (_requests.Reader.Count == 0)
                {
                    Settled?.Invoke();
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task ReloadAsync()
    {
        var started = time.GetTimestamp();
        var current = slots.Current;
        Log.ReloadStarted(logger, current.Count);
        var replaced = 0;
        foreach (var slot in current)
        {
            if (slots.IsClosed)
            {
                return;
            }
            if (slot.State != WorkerSlotState.Ready)
            {
                continue; // a worker that is starting or backing off starts the new build anyway
            }
            if (!await slot.ReplaceAsync(WorkerExitReason.Reload).ConfigureAwait(false))
            {
                if (!slots.IsClosed)
                {
                    Log.ReloadAborted(logger, slot.Id, replaced, current.Count - replaced);
                }
                return;
            }
            replaced++;
        }
        Log.ReloadFinished(logger, replaced, time.GetElapsedTime(started));
    }
}
