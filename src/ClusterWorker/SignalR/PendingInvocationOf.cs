using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;

namespace ClusterHost.Worker.SignalR;

/// <summary>A <see cref="PendingInvocation"/> whose answer is a <typeparamref name="T"/>.</summary>
internal sealed class PendingInvocationOf<T>(string connectionId) : PendingInvocation(connectionId)
{
    private readonly TaskCompletionSource<T> _result = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task<T> Task => _result.Task;

    public override Type ResultType => typeof(T);

    public override void Complete(CompletionMessage completion)
    {
        if (completion.Error is { } error)
        {
            _result.TrySetException(new HubException(error));
        }
        else if (completion.HasResult)
        {
            _result.TrySetResult(completion.Result is T value ? value : (T)completion.Result!);
        }
        else
        {
            _result.TrySetException(new HubException("Client didn't provide a result."));
        }
    }

    public override void Fail(Exception exception) => _result.TrySetException(exception);

    public void Cancel(CancellationToken token) => _result.TrySetCanceled(token);
}
