using Para.Accounts.Storage;
using Para.Accounts.Tokens;
using Para.Contracts.Accounts;
using Para.Contracts.Credentials;

namespace Para.Accounts.Accounts;

/// <summary>What clients may see of a stored account: everything except credentials.</summary>
internal static class AccountViews
{
    public static AccountView ToView(AccountRecord account, RefreshSchedule schedule) => new(
        account.Id,
        account.Name,
        account.Provider,
        account.Mode,
        account.Priority,
        account.Paused,
        account.CustomEndpoint,
        account.AutoRefresh,
        account.RequiresReauth,
        DateTimeOffset.FromUnixTimeMilliseconds(account.CreatedAtMs),
        account.Tokens is { } tokens
            ? new TokenSummary(
                DateTimeOffset.FromUnixTimeMilliseconds(tokens.ExpiresAtMs),
                TokenFingerprint.Of(tokens.AccessToken),
                tokens.TokenType,
                tokens.Scope,
                DateTimeOffset.FromUnixTimeMilliseconds(tokens.RefreshTokenIssuedAtMs),
                tokens.IssuedAtMs > 0 ? DateTimeOffset.FromUnixTimeMilliseconds(tokens.IssuedAtMs) : null,
                schedule.DueAt(tokens))
            : null,
        account.ApiKey is { Length: > 0 } key ? TokenFingerprint.Of(key) : null,
        new UsageStatistics(
            account.Usage.RequestCount,
            account.Usage.TotalRequests,
            account.Usage.LastUsedMs is { } lastUsed ? DateTimeOffset.FromUnixTimeMilliseconds(lastUsed) : null,
            account.Usage.InputTokens,
            account.Usage.OutputTokens),
        account.RequestHistory.Count,
        schedule.StatusOf(account));
}
