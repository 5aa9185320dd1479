namespace ClusterHost.LoadTests.Load;

/// <summary>Collects every connection and request of one run; safe to use from many lanes at once.</summary>
internal sealed class ScenarioRecorder(ScenarioClock clock)
{
    private readonly List<RequestRecord> _requests = [];
    private readonly List<ConnectionRecord> _connections = [];
    private readonly Lock _gate = new();

    public ScenarioClock Clock => clock;

    public IReadOnlyList<RequestRecord> Requests
    {
        get
        {
            lock (_gate)
            {
                return [.. _requests.OrderBy(r => r.StartMs)];
            }
        }
    }

    public IReadOnlyList<ConnectionRecord> Connections
    {
        get
        {
            lock (_gate)
            {
                return [.. _connections];
            }
        }
    }

    private int _lastConnectionId;

    /// <summary>A number for a connection about to be opened.</summary>
    public int NextConnectionId() => Interlocked.Increment(ref _lastConnectionId);

    public void Add(ConnectionRecord connection)
    {
        lock (_gate)
        {
            _connections.Add(connection);
        }
    }

    public void Add(RequestRecord request)
    {
        lock (_gate)
        {
            _requests.Add(request);
        }
    }
}
