using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace RealtimeAdapters.Emulator.Tests.Infrastructure;

/// <summary>Collects every log line (category, message, exception) so that a test can check what was, or was not, logged.</summary>
internal sealed class CapturingLoggerProvider(ConcurrentQueue<string> lines) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new Capturing(categoryName, lines);

    public void Dispose()
    {
    }

    private sealed class Capturing(string category, ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue(category + ": " + formatter(state, exception) + " " + exception);
    }
}
