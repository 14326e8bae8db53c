namespace Para.Contracts.Accounts;

/// <summary>
/// One rule for "ok / expiring / expired / requires-reauth", shared by the service and every client.
/// "Expiring" starts at the token's <see cref="TokenSummary.RefreshDueAt"/>, which the account API
/// computes from the token's own lifetime, so clients never keep a copy of the refresh window.
/// </summary>
public static class TokenStatuses
{
    public const string Ok = "ok";
    public const string Expiring = "expiring";
    public const string Expired = "expired";
    public const string RequiresReauth = "requires-reauth";

    /// <summary>Has no tokens yet (a sign-in never completed).</summary>
    public const string NoTokens = "no-tokens";

    public static string Classify(bool requiresReauth, DateTimeOffset? expiresAt, DateTimeOffset? refreshDueAt, DateTimeOffset now) =>
        (requiresReauth, expiresAt, refreshDueAt) switch
        {
            (true, _, _) => RequiresReauth,
            (_, null, _) => NoTokens,
            (_, { } expires, _) when expires <= now => Expired,
            (_, _, { } due) when due <= now => Expiring,
            _ => Ok,
        };

    public static string Classify(AccountView account, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(account);
        return Classify(account.RequiresReauth, account.Token?.ExpiresAt, account.Token?.RefreshDueAt, now);
    }
}
