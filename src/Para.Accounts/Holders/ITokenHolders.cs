using Para.Contracts.Credentials;

namespace Para.Accounts.Holders;

/// <summary>
/// Whoever was handed an account's refresh token: the containers container-auth wrote it into.
/// Claude Code in them refreshes by itself when Para is away, which spends the token Para holds;
/// asked before Para refreshes, they hand back what they got (docs/decisions/0012).
/// </summary>
internal interface ITokenHolders
{
    /// <summary>The newest credentials any holder of the account has; null when none holds any.</summary>
    /// <exception cref="TokenHoldersUnavailableException">The holders cannot be asked now.</exception>
    Task<HeldTokens?> FindNewestAsync(string accountName, CancellationToken cancellationToken);
}

/// <summary>Credentials found at a holder. <see cref="ToString"/> never shows a token.</summary>
internal sealed record HeldTokens(ClaudeAiOauth Tokens, string Holder, int HoldersRead)
{
    public override string ToString() => $"HeldTokens {{ Holder = {Holder}, ExpiresAt = {Tokens.ExpiresAt} }}";
}

/// <summary>The holders could not be asked; the message is safe to show and log.</summary>
internal sealed class TokenHoldersUnavailableException(string message) : Exception(message);
