using System.Collections.Concurrent;

namespace ClusterHost.Worker.SignalR;

/// <summary>
/// Group actions this worker asked another worker to do, awaiting that worker's acknowledgement:
/// within <see cref="Timeout"/> (30 s, as the Redis backplane), or the caller sees a <see cref="TimeoutException"/>
/// (no worker owns the connection, or the relay lost the message).
/// </summary>
internal sealed class GroupActionAcks(TimeProvider time)
{
    internal static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<int, TaskCompletionSource> _acks = new();
    private int _lastId;

    public (int Id, Task Acknowledged) Create()
    {
        var id = Interlocked.Increment(ref _lastId);
        var ack = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _acks[id] = ack;
        return (id, WaitAsync(id, ack));
    }

    private async Task WaitAsync(int id, TaskCompletionSource ack)
    {
        try
        {
            await ack.Task.WaitAsync(Timeout, time).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"The group action was not acknowledged by the worker owning the connection within {Timeout.TotalSeconds:0} s.");
        }
        finally
        {
            _acks.TryRemove(id, out _);
        }
    }

    public void Complete(int id)
    {
        if (_acks.TryRemove(id, out var ack))
        {
            ack.TrySetResult();
        }
    }

    public void Cancel(int id) => _acks.TryRemove(id, out _);
}
