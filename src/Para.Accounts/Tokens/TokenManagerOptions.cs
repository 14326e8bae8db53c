using Microsoft.Extensions.Options;

namespace Para.Accounts.Tokens;

/// <summary>
/// When tokens are refreshed and how failures are treated, per account; bound from <c>Para:Tokens</c>.
/// The cooldown, failure limit and timeout are the auth refresh seed's numbers.
/// </summary>
public sealed class TokenManagerOptions
{
    public const string SectionName = "Para:Tokens";

    /// <summary>A token expiring within this window is refreshed (default 30 minutes).</summary>
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

    /// <summary>
    /// Least time between two refresh attempts of one account, whatever asked (default 30 seconds);
    /// never more than half the token's time from issue to due (<see cref="RefreshSchedule.Cooldown"/>).
    /// </summary>
    public TimeSpan RefreshCooldown { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Failed refreshes of one account in a row after which a failed call is no longer retried
    /// transparently (default 3). Background attempts go on at the capped back-off; a manual refresh is the way out.
    /// </summary>
    public int MaxConsecutiveFailures { get; set; } = 3;

    /// <summary>
    /// After a transient failure the next attempt waits the cooldown, doubled for each failure in a
    /// row, with ±20 % jitter, and never longer than this (default 10 minutes).
    /// </summary>
    public TimeSpan MaxFailureBackoff { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Longest one refresh of one account may take, fallbacks included (default 5 minutes).</summary>
    public TimeSpan RefreshTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How many accounts one refresh-all (manual or background) refreshes at a time (default 4).</summary>
    public int RefreshParallelism { get; set; } = 4;

    /// <summary>
    /// The longest the background refresher sleeps between passes (default 1 minute); it wakes earlier
    /// for a token due sooner or a cooldown that ends, and at once when an account changes.
    /// </summary>
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
        var section = TokenManagerOptions.SectionName;
        if (options.SafetyWindow <= TimeSpan.Zero)
        {
            failures.Add($"{section}:{nameof(options.SafetyWindow)} must be positive.");
        }

        if (options.ShortLifetimeRefreshFraction is <= 0 or >= 1)
        {
            failures.Add($"{section}:{nameof(options.ShortLifetimeRefreshFraction)} must be between 0 and 1.");
        }

        if (options.MinimumValidity <= TimeSpan.Zero || options.MinimumValidity >= options.SafetyWindow)
        {
            failures.Add($"{section}:{nameof(options.MinimumValidity)} must be positive and shorter than {nameof(options.SafetyWindow)}.");
        }

        if (options.RefreshCooldown < TimeSpan.Zero || options.MaxFailureBackoff < options.RefreshCooldown)
        {
            failures.Add($"{section}: {nameof(options.RefreshCooldown)} must not be negative, and {nameof(options.MaxFailureBackoff)} not shorter than it.");
        }

        if (options.MaxConsecutiveFailures < 1)
        {
            failures.Add($"{section}:{nameof(options.MaxConsecutiveFailures)} must be at least 1.");
        }

        if (options.RefreshTimeout <= TimeSpan.Zero)
        {
            failures.Add($"{section}:{nameof(options.RefreshTimeout)} must be positive.");
        }

        if (options.RefreshParallelism < 1)
        {
            failures.Add($"{section}:{nameof(options.RefreshParallelism)} must be at least 1.");
        }

        if (options.CheckInterval <= TimeSpan.Zero || options.CheckInterval >= options.SafetyWindow)
        {
            failures.Add($"{section}:{nameof(options.CheckInterval)} must be positive and shorter than {nameof(options.SafetyWindow)}, or a token could expire between checks.");
        }

        if (options.RefreshTokenLifetime <= TimeSpan.Zero || options.RefreshTokenWarning < TimeSpan.Zero || options.RefreshTokenWarning >= options.RefreshTokenLifetime)
        {
            failures.Add($"{section}: {nameof(options.RefreshTokenWarning)} must be shorter than a positive {nameof(options.RefreshTokenLifetime)}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
