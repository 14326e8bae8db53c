using Microsoft.Extensions.Options;

namespace Para.Accounts.Tokens;

/// <summary>When tokens are refreshed and how failures are treated; bound from <c>Para:Tokens</c>.</summary>
public sealed class TokenManagerOptions
{
    public const string SectionName = "Para:Tokens";

    /// <summary>A token expiring within this window is refreshed before it is handed out (default 30 minutes).</summary>
    public TimeSpan SafetyWindow { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>
    /// A token whose whole lifetime is shorter than <see cref="SafetyWindow"/> is refreshed when this
    /// fraction of its lifetime is left (default 0.25), so a 2-minute token is not refreshed at every check.
    /// </summary>
    public double ShortLifetimeRefreshFraction { get; set; } = 0.25;

    /// <summary>
    /// Every token handed out (export, container-auth, console, gateway) stays valid at least this
    /// long, refreshing first when needed (default 5 minutes; half the lifetime for shorter tokens).
    /// </summary>
    public TimeSpan MinimumValidity { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>After a transient failure (network, 5xx, 429) the account is not refreshed again for this long (default 60 s).</summary>
    public TimeSpan TransientFailureBackoff { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How often the background refresher looks for tokens entering the window (default 1 minute).</summary>
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The refresh token's assumed lifetime; the provider does not say (default 90 days).</summary>
    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(90);

    /// <summary>Token health warns when less than this remains of <see cref="RefreshTokenLifetime"/> (default 14 days).</summary>
    public TimeSpan RefreshTokenWarning { get; set; } = TimeSpan.FromDays(14);
}

internal sealed class TokenManagerOptionsValidator : IValidateOptions<TokenManagerOptions>
{
    public ValidateOptionsResult Validate(string? name, TokenManagerOptions options)
    {
        var failures = new List<string>();
        if (options.SafetyWindow <= TimeSpan.Zero)
        {
            failures.Add($"{TokenManagerOptions.SectionName}:{nameof(options.SafetyWindow)} must be positive.");
        }

        if (options.ShortLifetimeRefreshFraction is <= 0 or >= 1)
        {
            failures.Add($"{TokenManagerOptions.SectionName}:{nameof(options.ShortLifetimeRefreshFraction)} must be between 0 and 1.");
        }

        if (options.MinimumValidity <= TimeSpan.Zero || options.MinimumValidity >= options.SafetyWindow)
        {
            failures.Add($"{TokenManagerOptions.SectionName}:{nameof(options.MinimumValidity)} must be positive and shorter than {nameof(options.SafetyWindow)}.");
        }

        if (options.TransientFailureBackoff < TimeSpan.Zero)
        {
            failures.Add($"{TokenManagerOptions.SectionName}:{nameof(options.TransientFailureBackoff)} must not be negative.");
        }

        if (options.CheckInterval <= TimeSpan.Zero || options.CheckInterval >= options.SafetyWindow)
        {
            failures.Add($"{TokenManagerOptions.SectionName}:{nameof(options.CheckInterval)} must be positive and shorter than {nameof(options.SafetyWindow)}, or a token could expire between checks.");
        }

        if (options.RefreshTokenLifetime <= TimeSpan.Zero || options.RefreshTokenWarning < TimeSpan.Zero || options.RefreshTokenWarning >= options.RefreshTokenLifetime)
        {
            failures.Add($"{TokenManagerOptions.SectionName}: {nameof(options.RefreshTokenWarning)} must be shorter than a positive {nameof(options.RefreshTokenLifetime)}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
