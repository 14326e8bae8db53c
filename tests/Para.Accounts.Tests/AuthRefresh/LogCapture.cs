using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Para.Accounts.Tests.AuthRefresh;

/// <summary>Keeps every formatted log line so tests can assert the exact messages and levels.</summary>
internal sealed class LogCapture : ILoggerProvider
{
    private readonly ConcurrentQueue<LogLine> _lines = new();

    public IReadOnlyList<LogLine> Lines => [.. _lines];

    public IEnumerable<LogLine> From(string categoryPrefix) =>
        Lines.Where(line => line.Category.StartsWith(categoryPrefix, StringComparison.Ordinal));

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _lines);

    public void Dispose()
    {
    }

    internal sealed record LogLine(string Category, LogLevel Level, string Message);

    private sealed class Logger(string category, ConcurrentQueue<LogLine> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue(new LogLine(category, logLevel, formatter(state, exception)));
    }
}
