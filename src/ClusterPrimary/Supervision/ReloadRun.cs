namespace ClusterHost.Primary.Supervision;

/// <summary>
/// One queued or running rolling reload: every request it answers (a request made while it is
/// still queued joins it) sees its progress and awaits its <see cref="Outcome"/>.
/// </summary>
internal sealed class ReloadRun
{
    private readonly TaskCompletionSource<ReloadOutcome> _outcome = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _gate = new();
    private readonly List<Action<string>> _observers = [];

    /// <summary>Completes when the reload has ended, successfully or not.</summary>
    public Task<ReloadOutcome> Outcome => _outcome.Task;

    /// <summary>Adds an observer of the reload's progress lines (called on the reload's thread; must not block).</summary>
    public void Observe(Action<string> observer)
    {
        lock (_gate)
        {
            _observers.Add(observer);
        }
    }

    /// <summary>Tells every observer; one that throws is not told again.</summary>
    public void Report(string line)
    {
        Action<string>[] observers;
        lock (_gate)
        {
            observers = [.. _observers];
        }
        foreach (var observer in observers)
        {
            try
            {
                observer(line);
            }
            catch (Exception)
            {
                lock (_gate)
                {
                    _observers.Remove(observer);
                }
            }
        }
    }

    public void Complete(ReloadOutcome outcome) => _outcome.TrySetResult(outcome);
}
