using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;

namespace ClusterHost.Worker.SignalR;

/// <summary>
/// The client-result invocations this worker made and waits for, by invocation id; also the
/// binder that reads another worker's forwarded answer as the type the caller expects.
/// </summary>
internal sealed class PendingInvocations : IInvocationBinder
{
    private readonly ConcurrentDictionary<string, PendingInvocation> _pending = new(StringComparer.Ordinal);

    public PendingInvocationOf<T> Add<T>(string invocationId, string connectionId, CancellationToken cancellationToken)
    {
        var pending = new PendingInvocationOf<T>(connectionId);
        _pending[invocationId] = pending;
        if (cancellationToken.CanBeCanceled)
        {
            var registration = cancellationToken.UnsafeRegister(state =>
            {
                if (_pending.TryRemove(invocationId, out _))
                {
                    pending.Cancel(cancellationToken);
                }
            }, null);
            pending.Task.ContinueWith(_ => registration.Dispose(), TaskScheduler.Default);
        }
        return pending;
    }

    public bool TryGet(string invocationId, out PendingInvocation pending) => _pending.TryGetValue(invocationId, out pending!);

    public bool TryRemove(string invocationId, out PendingInvocation pending) => _pending.TryRemove(invocationId, out pending!);

    /// <summary>Fails every invocation waiting on <paramref name="connectionId"/> (it disconnected).</summary>
    public void FailConnection(string connectionId, Func<Exception> exception)
    {
        foreach (var (id, pending) in _pending)
        {
            if (pending.ConnectionId == connectionId && _pending.TryRemove(id, out _))
            {
                pending.Fail(exception());
            }
        }
    }

    public Type GetReturnType(string invocationId) =>
        _pending.TryGetValue(invocationId, out var pending)
            ? pending.ResultType
            : throw new InvalidOperationException($"No pending client result for invocation '{invocationId}'.");

    public IReadOnlyList<Type> GetParameterTypes(string methodName) =>
        throw new InvalidOperationException("The relay forwards only client results.");

    public Type GetStreamItemType(string streamId) =>
        throw new InvalidOperationException("The relay forwards only client results.");
}
