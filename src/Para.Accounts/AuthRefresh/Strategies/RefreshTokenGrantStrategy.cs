using Para.Accounts.Tokens;

namespace Para.Accounts.AuthRefresh.Strategies;

/// <summary>First choice: the token manager's refresh-token grant (single flight per account).</summary>
internal sealed class RefreshTokenGrantStrategy(IAccountTokenService tokens) : IAuthRefreshStrategy
{
    public string Name => "refresh-token";

    public Task<TokenOperationResult> RefreshAsync(string accountIdOrName, CancellationToken cancellationToken) =>
        tokens.RefreshAsync(accountIdOrName, cancellationToken);
}
