using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace RealtimeAdapters.Emulator.Tests.Infrastructure;

/// <summary>
/// Collects every log entry (category, level, event id, message with any exception) so that a test can check what was, or
/// was not, logged, and wait for an entry instead of waiting for time to pass.
/// </summary>
internal sealed class CapturingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<string>? _lines;
    private readonly List<(Func<LogEntry, bool> Predicate, TaskCompletionSource<LogEntry> Waiter)> _waiters = [];

    public CapturingLoggerProvider()
    {
    }

    /// <summary>Also writes each entry as one line (<c>category: message exception</c>) to <paramref name="lines"/>.</summary>
    public CapturingLoggerProvider(ConcurrentQueue<string> lines) => _lines = lines;

    public ConcurrentQueue<LogEntry> Entries { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Capturing(this, categoryName);

    /// <summary>Completes with the first entry (already captured or still to come) that matches.</summary>
    public Task<LogEntry> WaitForAsync(Func<LogEntry, bool> predicate)
    {
        lock (_waiters)
        {
            if (Entries.FirstOrDefault(predicate) is { } existing)
            {
                return Task.FromResult(existing);
            }

            var waiter = new TaskCompletionSource<LogEntry>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((predicate, waiter));
            return waiter.Task;
        }
    }

    public void Dispose()
    {
    }

    private void Add(LogEntry entry, Exception? exception)
    {
        _lines?.Enqueue(entry.Category + ": " + entry.Message + " " + exception);
        lock (_waiters)
        {
            Entries.Enqueue(entry);
            foreach (var (predicate, waiter) in _waiters)
            {
                if (predicate(entry))
                {
                    waiter.TrySetResult(entry);
                }
            }
        }
    }

    internal sealed record LogEntry(string Category, LogLevel Level, EventId EventId, string Message, Exception? Exception);

    private sealed class Capturing(CapturingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner.Add(new LogEntry(category, logLevel, eventId, formatter(state, exception), exception), exception);
    }
}
