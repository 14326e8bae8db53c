using Para.Accounts.Tokens;

namespace Para.Accounts.AuthRefresh.Strategies;

/// <summary>
/// Second choice: another process (or a re-authentication) may already have written newer tokens
/// to the store; refresh tokens rotate, so reading those beats spending the old one again.
/// </summary>
internal sealed class StoreReloadStrategy(IAccountTokenService tokens) : IAuthRefreshStrategy
{
    public string Name => "store-reload";

    public Task<TokenOperationResult> RefreshAsync(string accountIdOrName, CancellationToken cancellationToken) =>
        tokens.ReloadAsync(accountIdOrName, cancellationToken);
}
