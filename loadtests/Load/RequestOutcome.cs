namespace ClusterHost.LoadTests.Load;

/// <summary>How a request ended.</summary>
internal enum RequestOutcome
{
    /// <summary>A whole response arrived (any status).</summary>
    Answered,

    /// <summary>The connection failed or closed after the request was sent, before the whole response.</summary>
    Lost,

    /// <summary>No response within the request timeout.</summary>
    TimedOut,

    /// <summary>The connection could not be opened.</summary>
    ConnectFailed,
}
