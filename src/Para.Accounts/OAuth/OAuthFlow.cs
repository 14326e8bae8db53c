using Microsoft.Extensions.Options;
using Para.Accounts.Accounts;
using Para.Accounts.Storage;
using Para.Accounts.Tokens;
using Para.Contracts.Accounts;
using Para.Contracts.Credentials;

namespace Para.Accounts.OAuth;

/// <summary>
/// Authorization code + PKCE + state, for new accounts and for re-authentication of existing ones.
/// Re-authentication writes only the token fields, so everything else about the account survives.
/// </summary>
internal sealed partial class OAuthFlow(
    AccountStore store,
    OAuthTokenClient provider,
    TokenManager tokenManager,
    IOptions<OAuthOptions> options,
    TimeProvider timeProvider,
    ILogger<OAuthFlow> logger)
{
    /// <summary>Starts a flow: a pending session in the store and the URL to send the user to.</summary>
    /// <param name="accountId">The account to re-authenticate; null for a new account.</param>
    public OAuthBeginResponse Begin(string accountName, string mode, int priority, string? accountId)
    {
        var settings = options.Value;
        var now = timeProvider.GetUtcNow();
        var verifier = Pkce.CreateVerifier();
        var session = new PendingOAuthSession
        {
            Id = Pkce.CreateState(),
            CodeVerifier = verifier,
            AccountId = accountId,
            AccountName = accountName,
            Mode = mode,
            Priority = priority,
            ExpiresAtMs = now.Add(settings.SessionLifetime).ToUnixTimeMilliseconds(),
        };
        store.SaveSession(session, now.ToUnixTimeMilliseconds());
        LogBegun(logger, accountId is null ? "sign-in" : "re-authentication", accountName, mode);

        var query = new List<string>();
        if (!string.IsNullOrWhiteSpace(settings.AuthorizeQueryExtras))
        {
            query.Add(settings.AuthorizeQueryExtras.Trim('&', '?'));
        }

        query.Add($"client_id={Uri.EscapeDataString(settings.ClientId)}");
        query.Add("response_type=code");
        query.Add($"redirect_uri={Uri.EscapeDataString(settings.RedirectUri.ToString())}");
        query.Add($"scope={Uri.EscapeDataString(settings.Scopes)}");
        query.Add($"code_challenge={Pkce.ChallengeFor(verifier)}");
        query.Add("code_challenge_method=S256");
        query.Add($"state={session.Id}");
        var authorize = new UriBuilder(settings.AuthorizeUrlFor(mode)) { Query = string.Join('&', query) }.Uri;
        return new OAuthBeginResponse(accountName, mode, authorize, session.Id, DateTimeOffset.FromUnixTimeMilliseconds(session.ExpiresAtMs));
    }

    /// <summary>Redeems the state's session, exchanges the code, and creates or updates the account.</summary>
    /// <param name="account">The account (id or name) the caller began the sign-in for; a session of another account is refused and left usable.</param>
    public async Task<OAuthCompletion> CompleteAsync(string? state, string pasted, string? account, CancellationToken cancellationToken)
    {
        using var activity = AccountsTelemetry.Source.StartActivity("OAuth completion");
        var completion = await CompleteCoreAsync(state, pasted, account, cancellationToken);
        if (completion.Account is { } completed)
        {
            activity?.SetTag(AccountsTelemetry.AccountIdTag, completed.Id);
            activity?.SetTag(AccountsTelemetry.AccountNameTag, completed.Name);
            AccountsTelemetry.Succeeded(activity, "signed-in");
        }
        else if (completion.Failure is { } failure)
        {
            activity?.SetTag("http.response.status_code", failure.StatusCode);
            AccountsTelemetry.Failed(activity, failure.ProviderError ?? "refused", failure.Title);
        }

        return completion;
    }

    private async Task<OAuthCompletion> CompleteCoreAsync(string? state, string pasted, string? expectedAccount, CancellationToken cancellationToken)
    {
        var (code, pastedState) = PastedCode.Parse(pasted);
        if (code.Length == 0)
        {
            return OAuthCompletion.Fail(StatusCodes.Status400BadRequest, "Missing code", "The authorization code is empty: paste what the provider's page shows.");
        }

        state = string.IsNullOrWhiteSpace(state) ? pastedState : state.Trim();
        if (string.IsNullOrEmpty(state))
        {
            return OAuthCompletion.Fail(StatusCodes.Status400BadRequest, "Missing state", "Send the state from the begin response, or paste the code as code#state.");
        }

        if (pastedState is not null && !string.Equals(pastedState, state, StringComparison.Ordinal))
        {
            return OAuthCompletion.Fail(StatusCodes.Status400BadRequest, "State mismatch", "The pasted code belongs to a different sign-in; begin again and paste the code it shows.");
        }

        // Checked before the session is taken: a code pasted into the wrong account's sign-in changes
        // nothing, and the sign-in it belongs to can still be completed for its own account.
        if (!string.IsNullOrWhiteSpace(expectedAccount) && store.FindSession(state) is { } pending && !BelongsTo(pending, expectedAccount.Trim()))
        {
            var wanted = expectedAccount.Trim();
            LogRefused(logger, "the code belongs to another account's sign-in");
            return OAuthCompletion.Fail(
                StatusCodes.Status409Conflict,
                "Code of another sign-in",
                $"This code belongs to the sign-in of '{pending.AccountName}', not '{wanted}'; nothing changed. Begin again: para accounts {(store.Find(wanted) is null ? "add" : "reauth")} {wanted}");
        }

        var session = store.TakeSession(state);
        if (session is null)
        {
            LogRefused(logger, "unknown or used state");
            return OAuthCompletion.Fail(StatusCodes.Status400BadRequest, "Unknown or used state", "This sign-in is unknown or was already completed; begin again with 'para accounts add' or 'para accounts reauth'.");
        }

        var now = timeProvider.GetUtcNow();
        if (now.ToUnixTimeMilliseconds() > session.ExpiresAtMs)
        {
            LogRefused(logger, "expired state");
            return OAuthCompletion.Fail(StatusCodes.Status400BadRequest, "Sign-in expired", $"The sign-in for '{session.AccountName}' expired at {DateTimeOffset.FromUnixTimeMilliseconds(session.ExpiresAtMs):u}; begin again.");
        }

        TokenResponse response;
        try
        {
            response = await provider.ExchangeCodeAsync(code, state, session.CodeVerifier, cancellationToken);
        }
        catch (OAuthProviderException exception)
        {
            LogProviderRefused(logger, session.AccountName, exception.ErrorCode);
            return IsUsersMistake(exception)
                ? OAuthCompletion.Fail(
                    StatusCodes.Status400BadRequest,
                    "The OAuth provider refused the code",
                    $"{exception.Description.TrimEnd('.')}. A code works once, and only for the sign-in that showed it; begin again: para accounts {(session.AccountId is null ? "add" : "reauth")} {session.AccountName}",
                    exception.ErrorCode)
                : OAuthCompletion.Fail(
                    StatusCodes.Status502BadGateway,
                    exception.Transient ? "The OAuth provider is unavailable" : "The OAuth provider answered unexpectedly",
                    exception.Description,
                    exception.ErrorCode);
        }

        now = timeProvider.GetUtcNow();
        var tokens = response.ToTokens(now);
        var apiKey = session.Mode == AccountModes.Console ? await TryCreateApiKeyAsync(session.AccountName, tokens.AccessToken, cancellationToken) : null;

        var write = tokenManager.SaveSignIn(session, tokens, apiKey, response.Account);
        if (write.Account is not { } account)
        {
            return write.Outcome == SignInWriteOutcome.NameTaken
                ? OAuthCompletion.Fail(StatusCodes.Status409Conflict, "Account already exists", $"An account named '{session.AccountName}' already exists.")
                : OAuthCompletion.Fail(StatusCodes.Status404NotFound, "Account not found", $"The account '{session.AccountName}' was removed while it was being re-authenticated.");
        }

        LogSignedIn(logger, account.Name, account.Id, TokenFingerprint.Of(tokens.AccessToken), DateTimeOffset.FromUnixTimeMilliseconds(tokens.ExpiresAtMs));
        return new OAuthCompletion(account, null);
    }

    /// <summary>For an add, the session's name; for a re-authentication, the account's id or name (also after a rename).</summary>
    private bool BelongsTo(PendingOAuthSession session, string account) =>
        string.Equals(session.AccountName, account, StringComparison.OrdinalIgnoreCase)
        || (session.AccountId is { } id
            && (string.Equals(id, account, StringComparison.OrdinalIgnoreCase) || store.Find(account)?.Id == id));

    /// <summary>
    /// A refused code (wrong, used, expired, another flow's) is the user's to fix by beginning again;
    /// an outage, or an answer that says Para itself is misconfigured or the provider misbehaved, is a 502.
    /// </summary>
    private static bool IsUsersMistake(OAuthProviderException exception) =>
        !exception.Transient && exception.ErrorCode is not ("invalid_response" or "invalid_client" or "unauthorized_client");

    private async Task<string?> TryCreateApiKeyAsync(string accountName, string accessToken, CancellationToken cancellationToken)
    {
        try
        {
            return await provider.CreateApiKeyAsync(accessToken, cancellationToken);
        }
        catch (OAuthProviderException exception)
        {
            // The OAuth tokens work without a key; the account is still worth keeping.
            LogApiKeyFailed(logger, accountName, exception.ErrorCode);
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "OAuth {Purpose} begun for account {AccountName} ({Mode})")]
    private static partial void LogBegun(ILogger logger, string purpose, string accountName, string mode);

    [LoggerMessage(Level = LogLevel.Warning, Message = "OAuth completion refused: {Reason}")]
    private static partial void LogRefused(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The OAuth provider refused the code for account {AccountName}: {ErrorCode}")]
    private static partial void LogProviderRefused(ILogger logger, string accountName, string errorCode);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No API key for Console account {AccountName}: {ErrorCode}")]
    private static partial void LogApiKeyFailed(ILogger logger, string accountName, string errorCode);

    [LoggerMessage(Level = LogLevel.Information, Message = "Account {AccountName} ({AccountId}) signed in; access token {Fingerprint} expires at {ExpiresAt:u}")]
    private static partial void LogSignedIn(ILogger logger, string accountName, string accountId, string fingerprint, DateTimeOffset expiresAt);
}

internal sealed record OAuthCompletion(AccountRecord? Account, OAuthFailure? Failure)
{
    public static OAuthCompletion Fail(int statusCode, string title, string detail, string? providerError = null) =>
        new(null, new OAuthFailure(statusCode, title, detail, providerError));
}

internal sealed record OAuthFailure(int StatusCode, string Title, string Detail, string? ProviderError);
