using Microsoft.Extensions.Options;

namespace Para.Accounts.AuthRefresh;

/// <summary>Bound from <c>Para:AuthRefresh</c>; the defaults are the auth refresh seed's.</summary>
public sealed class AuthRefreshOptions
{
    public const string SectionName = "Para:AuthRefresh";

    /// <summary>Least time between two refresh attempts, automatic or manual. Default 30 seconds.</summary>
    public TimeSpan RefreshCooldown { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Failed refreshes in a row after which failed calls are no longer retried. Default 3.</summary>
    public int MaxConsecutiveFailures { get; set; } = 3;

    /// <summary>Longest one refresh (every strategy together) may take. Default 5 minutes.</summary>
    public TimeSpan RefreshTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The Claude Code credentials file the last strategy re-reads.
    /// Default <c>$HOME/.claude/.credentials.json</c>.
    /// </summary>
    public string CredentialsFilePath { get; set; } = DefaultCredentialsFilePath();

    /// <summary>
    /// The account (id or name) the credentials file belongs to. Default none: the file is then
    /// offered only when Para holds exactly one account, so it can never land in the wrong one.
    /// </summary>
    public string? CredentialsFileAccount { get; set; }

    /// <summary>How old the cached account statuses behind the expiry gauge may get. Default 30 seconds.</summary>
    public TimeSpan StatusCacheLifetime { get; set; } = TimeSpan.FromSeconds(30);

    public static string DefaultCredentialsFilePath() =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".claude", ".credentials.json");
}

internal sealed class AuthRefreshOptionsValidator : IValidateOptions<AuthRefreshOptions>
{
    public ValidateOptionsResult Validate(string? name, AuthRefreshOptions options)
    {
        var failures = new List<string>();
        if (options.RefreshCooldown < TimeSpan.Zero)
        {
            failures.Add($"{nameof(AuthRefreshOptions.RefreshCooldown)} must not be negative.");
        }

        if (options.MaxConsecutiveFailures < 1)
        {
            failures.Add($"{nameof(AuthRefreshOptions.MaxConsecutiveFailures)} must be at least 1.");
        }

        if (options.RefreshTimeout <= TimeSpan.Zero)
        {
            failures.Add($"{nameof(AuthRefreshOptions.RefreshTimeout)} must be positive.");
        }

        if (string.IsNullOrWhiteSpace(options.CredentialsFilePath))
        {
            failures.Add($"{nameof(AuthRefreshOptions.CredentialsFilePath)} is required.");
        }

        if (options.StatusCacheLifetime <= TimeSpan.Zero)
        {
            failures.Add($"{nameof(AuthRefreshOptions.StatusCacheLifetime)} must be positive.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
