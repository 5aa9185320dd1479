using System.Collections.Concurrent;
using ClusterHost.Control;
using ClusterHost.Worker.Internal;

namespace ClusterHost.Worker.Metrics;

/// <summary>
/// Asks the primary, over the control channel, for every worker's prometheus-net families merged
/// (<see cref="ClusterMetricsRequestMessage"/>); the control reader hands the answers in.
/// </summary>
internal sealed class ClusterMetricsClient(PrimaryConnection connection, TimeProvider time)
{
    /// <summary>The longest a request waits for the primary: 5 s (the primary waits 1 s for each worker).</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<long, TaskCompletionSource<ClusterMetricsMessage>> _pending = new();
    private long _lastId;
    private volatile bool _closed;

    /// <summary>The primary's answer; one with a <see cref="ClusterMetricsMessage.Message"/> and no text when there is none.</summary>
    public async Task<ClusterMetricsMessage> RequestAsync(CancellationToken cancellationToken)
    {
        var id = Interlocked.Increment(ref _lastId);
        var answer = new TaskCompletionSource<ClusterMetricsMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = answer;
        try
        {
            if (_closed || connection.Send(new ClusterMetricsRequestMessage(id)) != ControlSendResult.Sent)
            {
                return new ClusterMetricsMessage { Id = id, Message = "the primary is gone" };
            }
            return await answer.Task.WaitAsync(Timeout, time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            return new ClusterMetricsMessage { Id = id, Message = $"the primary did not answer within {Timeout.TotalSeconds:0} s" };
        }
        finally
        {
            _pending.TryRemove(id, out _);
        }
    }

    /// <summary>An answer from the primary (on the control reader's thread).</summary>
    public void OnAnswer(ClusterMetricsMessage message)
    {
        if (_pending.TryGetValue(message.Id, out var answer))
        {
            answer.TrySetResult(message);
        }
    }

    /// <summary>The primary is gone: every request waiting, and every later one, is answered without text.</summary>
    public void Close()
    {
        _closed = true;
        foreach (var (id, answer) in _pending)
        {
            answer.TrySetResult(new ClusterMetricsMessage { Id = id, Message = "the primary is gone" });
        }
    }
}
