using Para.Accounts.Accounts;
using Para.Accounts.Storage;
using Para.Contracts.Accounts;
using Para.Contracts.Credentials;

namespace Para.Accounts.Tokens;

/// <summary>
/// Claude Code's two files for an account. The refresh token is left out unless asked for: the
/// one place that decides it, because a holder that cannot refresh cannot race Para's refresh
/// and present a used token (docs/decisions/0006).
/// </summary>
internal static class ClaudeCodeCredentials
{
    public static CredentialsExport From(AccountRecord account, OAuthTokens tokens, bool includeRefreshToken, string defaultScopes, DateTimeOffset refreshDueAt)
    {
        var scopes = (tokens.Scope ?? defaultScopes).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return new CredentialsExport(
            account.Name,
            DateTimeOffset.FromUnixTimeMilliseconds(tokens.ExpiresAtMs),
            TokenFingerprint.Of(tokens.AccessToken),
            new ClaudeCredentialsFile(new ClaudeAiOauth(
                tokens.AccessToken,
                includeRefreshToken ? tokens.RefreshToken : "",
                tokens.ExpiresAtMs,
                scopes,
                account.Mode == AccountModes.Max ? "max" : null)),
            new ClaudeAccountDetails(new ClaudeOAuthAccount(
                account.ProviderAccount?.Uuid ?? account.Id,
                account.ProviderAccount?.EmailAddress,
                account.ProviderAccount?.OrganizationName)),
            refreshDueAt);
    }
}
