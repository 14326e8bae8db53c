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
    /// token's lifetime for tokens that do not live that long.
    /// </summary>
    public TimeSpan MinimumValidity(OAuthTokens tokens)
    {
        var minimum = options.Value.MinimumValidity;
        if (tokens.IssuedAtMs > 0 && tokens.ExpiresAtMs > tokens.IssuedAtMs)
        {
            var half = TimeSpan.FromMilliseconds((tokens.ExpiresAtMs - tokens.IssuedAtMs) / 2.0);
            return half < minimum ? half : minimum;
        }

        return minimum;
    }

    public string StatusOf(AccountRecord account) =>
        TokenStatuses.Classify(
            account.RequiresReauth,
            account.Tokens is { } tokens ? DateTimeOffset.FromUnixTimeMilliseconds(tokens.ExpiresAtMs) : null,
            account.Tokens is { } due ? DueAt(due) : null,
            Now);
}
