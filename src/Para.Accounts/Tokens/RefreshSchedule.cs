using Microsoft.Extensions.Options;
using Para.Accounts.Storage;
using Para.Contracts.Accounts;

namespace Para.Accounts.Tokens;

/// <summary>
/// When a token is due for refresh. A long-lived token is refreshed the safety window before it
/// expires; one whose whole lifetime is shorter than the window is refreshed when a fraction of its
/// lifetime is left, not at every check. Every view's "expiring" is this moment.
/// </summary>
internal sealed class RefreshSchedule(IOptions<TokenManagerOptions> options, TimeProvider timeProvider)
{
    public DateTimeOffset Now => timeProvider.GetUtcNow();

    public DateTimeOffset DueAt(OAuthTokens tokens)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        var expiresAt = DateTimeOffset.FromUnixTimeMilliseconds(tokens.ExpiresAtMs);
        return expiresAt - LeadTime(tokens);
    }

    public bool IsDue(OAuthTokens tokens) => DueAt(tokens) <= Now;

    /// <summary>How long before expiry the token is refreshed.</summary>
    public TimeSpan LeadTime(OAuthTokens tokens)
    {
        var settings = options.Value;
        if (tokens.IssuedAtMs <= 0 || tokens.ExpiresAtMs <= tokens.IssuedAtMs)
        {
            return settings.SafetyWindow;
        }

        var lifetime = TimeSpan.FromMilliseconds(tokens.ExpiresAtMs - tokens.IssuedAtMs);
        var fractionOfLifetime = lifetime * settings.ShortLifetimeRefreshFraction;
        return fractionOfLifetime < settings.SafetyWindow ? fractionOfLifetime : settings.SafetyWindow;
    }

    /// <summary>
    /// The least time a token handed to a consumer stays valid: the configured minimum, or half the
    /// lead time for tokens that do not live long enough for it. Always shorter than the lead time,
    /// so a consumer asks for a refresh only once the token is due anyway.
    /// </summary>
    public TimeSpan MinimumValidity(OAuthTokens tokens)
    {
        var halfLead = LeadTime(tokens) / 2;
        var minimum = options.Value.MinimumValidity;
        return halfLead < minimum ? halfLead : minimum;
    }

    /// <summary>
    /// The least time between two refresh attempts of one account holding <paramref name="tokens"/>:
    /// the configured cooldown, but never more than half the token's refresh interval (issue to due).
    /// A 20-second token is due 15 seconds after it was issued; a 30-second cooldown would let it
    /// expire before its successor may be fetched.
    /// </summary>
    public TimeSpan Cooldown(OAuthTokens? tokens)
    {
        var cooldown = options.Value.RefreshCooldown;
        if (tokens is null || tokens.IssuedAtMs <= 0 || tokens.ExpiresAtMs <= tokens.IssuedAtMs)
        {
            return cooldown;
        }

        var halfInterval = (DueAt(tokens) - DateTimeOffset.FromUnixTimeMilliseconds(tokens.IssuedAtMs)) / 2;
        return halfInterval < cooldown ? halfInterval : cooldown;
    }

    /// <summary>
    /// When to try again after <paramref name="consecutiveFailures"/> failures in a row: the cooldown
    /// (of <paramref name="tokens"/>, see <see cref="Cooldown"/>) doubled per failure, with ±20 %
    /// jitter so many accounts do not retry in step, capped.
    /// </summary>
    public DateTimeOffset NextAttemptAfter(int consecutiveFailures, DateTimeOffset failedAt, OAuthTokens? tokens = null)
    {
        var settings = options.Value;
        var cooldown = Cooldown(tokens).TotalMilliseconds;
        var grown = cooldown * Math.Pow(2, Math.Clamp(consecutiveFailures - 1, 0, 30));
        var jittered = grown * (0.8 + (0.4 * Random.Shared.NextDouble()));
        var capped = Math.Clamp(jittered, cooldown, settings.MaxFailureBackoff.TotalMilliseconds);
        return failedAt.AddMilliseconds(capped);
    }

    public string StatusOf(AccountRecord account) =>
        TokenStatuses.Classify(
            account.RequiresReauth,
            account.Tokens is { } tokens ? DateTimeOffset.FromUnixTimeMilliseconds(tokens.ExpiresAtMs) : null,
            account.Tokens is { } due ? DueAt(due) : null,
            Now);
}
