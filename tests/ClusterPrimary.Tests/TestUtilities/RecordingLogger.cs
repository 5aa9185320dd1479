using Microsoft.Extensions.Logging;

namespace ClusterHost.Primary.Tests.TestUtilities;

/// <summary>A logger that keeps what is logged: event name, message and exception.</summary>
internal sealed class RecordingLogger<T> : ILogger<T>
{
    private readonly List<(string Event, string Message, Exception? Exception)> _entries = [];

    public IReadOnlyList<(string Event, string Message, Exception? Exception)> Entries
    {
        get
        {
            lock (_entries)
            {
                return [.. _entries];
            }
        }
    }

    /// <summary>The event names logged so far, in order.</summary>
    public IReadOnlyList<string> Events => [.. Entries.Select(e => e.Event)];

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (_entries)
        {
            _entries.Add((eventId.Name ?? "", formatter(state, exception), exception));
        }
    }
}
