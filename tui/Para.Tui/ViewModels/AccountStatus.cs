namespace Para.Tui.ViewModels;

public enum AccountStatus
{
    Ok,
    Expiring,
    Expired,
    RequiresReauth,
    Paused,
}

/// <summary>Classifies an account live, so the status turns from ok to expiring without a reload.</summary>
public static class AccountStatusRules
{
    /// <summary>The account API refreshes tokens this long before expiry; inside it a token is "expiring".</summary>
    public static readonly TimeSpan ExpiringWindow = TimeSpan.FromMinutes(30);

    public static AccountStatus Classify(AccountRow account, DateTimeOffset now) => account switch
    {
        { RequiresReauth: true } => AccountStatus.RequiresReauth,
        { Paused: true } => AccountStatus.Paused,
        { AccessTokenExpiresAt: { } expires } when expires <= now => AccountStatus.Expired,
        { AccessTokenExpiresAt: { } expires } when expires - now <= ExpiringWindow => AccountStatus.Expiring,
        _ => AccountStatus.Ok,
    };

    public static string Describe(AccountStatus status) => status switch
    {
        AccountStatus.Ok => "ok",
        AccountStatus.Expiring => "expiring",
        AccountStatus.Expired => "expired",
        AccountStatus.RequiresReauth => "re-auth",
        AccountStatus.Paused => "paused",
        _ => status.ToString(),
    };
}
