using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace Para.AppHost.Running;

/// <summary>
/// The AppHost's own log lines. On the terminal while the services start; into
/// <c>&lt;data&gt;/logs/apphost.log</c> while the console owns the terminal, so nothing is drawn
/// over it. Resource logs are the dashboard's, not ours.
/// </summary>
internal sealed class HostLog : ILoggerProvider
{
    private readonly string _filePath;
    private readonly Lock _lock = new();
    private readonly ConcurrentDictionary<string, Logger> _loggers = new(StringComparer.Ordinal);

    private HostLog(string dataDirectory)
    {
        var logs = Path.Combine(dataDirectory, "logs");
        Directory.CreateDirectory(logs);
        _filePath = Path.Combine(logs, "apphost.log");
    }

    /// <summary>True while the console draws on the terminal.</summary>
    public bool OffTerminal { get; set; }

    public string FilePath => _filePath;

    /// <summary>Replaces the framework's console logger with this one; Aspire's other log providers stay.</summary>
    public static HostLog Install(IDistributedApplicationBuilder builder, string dataDirectory)
    {
        var hostLog = new HostLog(dataDirectory);
        var consoleLoggers = builder.Services
            .Where(descriptor => descriptor.ServiceType == typeof(ILoggerProvider) && descriptor.ImplementationType == typeof(ConsoleLoggerProvider))
            .ToList();
        foreach (var descriptor in consoleLoggers)
        {
            builder.Services.Remove(descriptor);
        }

        builder.Services.AddSingleton<ILoggerProvider>(hostLog);
        builder.Services.AddSingleton(hostLog);
        return hostLog;
    }

    public ILogger CreateLogger(string categoryName) => _loggers.GetOrAdd(categoryName, name => new Logger(this, name));

    public void Dispose()
    {
    }

    private void Write(LogLevel level, string category, string message, Exception? exception)
    {
        var line = $"{Label(level)}: {category}: {message}";
        if (exception is not null && level >= LogLevel.Error)
        {
            line += $" ({exception.GetType().Name}: {exception.Message})";
        }

        lock (_lock)
        {
            if (OffTerminal)
            {
                File.AppendAllText(_filePath, $"{DateTimeOffset.UtcNow:O} {line}{Environment.NewLine}");
            }
            else
            {
                Console.Error.WriteLine(line);
            }
        }
    }

    private static string Label(LogLevel level) => level switch
    {
        LogLevel.Trace => "trce",
        LogLevel.Debug => "dbug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "fail",
        _ => "crit",
    };

    private sealed class Logger(HostLog owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                owner.Write(logLevel, category, formatter(state, exception), exception);
            }
        }
    }
}
