using Para.Contracts.Accounts;

namespace Para.Tui.ViewModels;

public enum AccountStatus
{
    Ok,
    Expiring,
    Expired,
    RequiresReauth,
    Paused,
    NoTokens,

    /// <summary>The provider refused the account's current token even after a refresh, whatever its expiry says.</summary>
    Refused,
}

/// <summary>
/// Classifies an account live, so the status turns from ok to expiring without a reload. The rule
/// is the service's own (<see cref="TokenStatuses.Classify(bool, DateTimeOffset?, DateTimeOffset?, DateTimeOffset)"/>)
/// on the times the service sent, with "paused" on top: a paused account is out of rotation, which
/// matters more than its token unless it must be signed in again.
/// </summary>
public static class AccountStatusRules
{
    public static AccountStatus Classify(AccountRow account, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(account);
        var token = TokenStatuses.Classify(account.RequiresReauth, account.AccessTokenExpiresAt, account.RefreshDueAt, now);
        return token switch
        {
            TokenStatuses.RequiresReauth => AccountStatus.RequiresReauth,
            _ when account.ProviderAccepts == false => AccountStatus.Refused,
            _ when account.Paused => AccountStatus.Paused,
            TokenStatuses.Expired => AccountStatus.Expired,
            TokenStatuses.Expiring => AccountStatus.Expiring,
            TokenStatuses.NoTokens => AccountStatus.NoTokens,
            _ => AccountStatus.Ok,
        };
    }

    public static string Describe(AccountStatus status) => status switch
    {
        AccountStatus.Ok => "ok",
        AccountStatus.Expiring => "expiring",
        AccountStatus.Expired => "expired",
        AccountStatus.RequiresReauth => "re-auth",
        AccountStatus.Paused => "paused",
        AccountStatus.NoTokens => "no tokens",
        AccountStatus.Refused => "refused",
        _ => status.ToString(),
    };
}
