using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Para.Tui.ViewModels;

/// <summary>The console's settings, from <c>Para:Console:*</c> (environment <c>Para__Console__PollInterval</c>).</summary>
public sealed class ConsoleOptions
{
    public const string SectionName = "Para:Console";

    /// <summary>How often every tab is reloaded when no event arrives. Default 2 s.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long to wait before reconnecting a broken event stream the first time. Default 5 s.</summary>
    public TimeSpan ReconnectDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The wait doubles after each failed reconnect up to this. Default 1 min.</summary>
    public TimeSpan MaxReconnectDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// The Aspire dashboard's login URL (<c>Para__Console__DashboardUrl</c>, set by the AppHost), or
    /// null. The help dialog shows it whole, and the header says "dashboard" when there is room.
    /// </summary>
    public Uri? DashboardUrl { get; set; }

    /// <summary>False when <c>NO_COLOR</c> is set (https://no-color.org): status is then text only.</summary>
    public bool UseColor { get; set; } = true;

    public static ConsoleOptions From(IConfiguration configuration)
    {
        var options = new ConsoleOptions();
        configuration.GetSection(SectionName).Bind(options);
        options.UseColor = string.IsNullOrEmpty(configuration["NO_COLOR"] ?? Environment.GetEnvironmentVariable("NO_COLOR"));
        options.Validate();
        return options;
    }

    public void Validate()
    {
        if (PollInterval < TimeSpan.FromMilliseconds(250) || PollInterval > TimeSpan.FromHours(1))
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                $"{SectionName}:PollInterval must be between 250 ms and 1 hour (it is {PollInterval})."));
        }

        if (DashboardUrl is { IsAbsoluteUri: false })
        {
            throw new InvalidOperationException($"{SectionName}:DashboardUrl must be an absolute URL.");
        }

        if (ReconnectDelay < TimeSpan.FromMilliseconds(100) || ReconnectDelay > TimeSpan.FromHours(1))
        {
            throw new InvalidOperationException($"{SectionName}:ReconnectDelay must be between 100 ms and 1 hour.");
        }

        if (MaxReconnectDelay < ReconnectDelay || MaxReconnectDelay > TimeSpan.FromHours(1))
        {
            throw new InvalidOperationException($"{SectionName}:MaxReconnectDelay must be between ReconnectDelay and 1 hour.");
        }
    }
}
