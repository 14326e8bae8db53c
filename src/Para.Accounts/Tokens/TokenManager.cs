using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Para.Accounts.Accounts;
using Para.Accounts.Events;
using Para.Accounts.OAuth;
using Para.Accounts.Storage;
using Para.Contracts.Credentials;
using Para.Contracts.Events;

namespace Para.Accounts.Tokens;

/// <summary>
/// The one place that refreshes an account's tokens. Refresh tokens are single-use and rotating:
/// two refreshes racing on one account kill it. So refreshes of one account share one flight,
/// and the result is written with compare-and-set on the refresh token that was used.
/// </summary>
internal sealed partial class TokenManager : IAccountTokenService
{
    private readonly AccountStore _store;
    private readonly OAuthTokenClient _provider;
    private readonly AccountEventHub _events;
    private readonly TimeProvider _time;
    private readonly IOptions<TokenManagerOptions> _options;
    private readonly RefreshSchedule _schedule;
    private readonly ILogger<TokenManager> _logger;
    private readonly ConcurrentDictionary<string, AccountRefreshState> _states = new();

    public TokenManager(
        AccountStore store,
        OAuthTokenClient provider,
        AccountEventHub events,
        TimeProvider time,
        IOptions<TokenManagerOptions> options,
        RefreshSchedule schedule,
        ILogger<TokenManager> logger)
    {
        _schedule = schedule;
        _store = store;
        _provider = provider;
        _events = events;
        _time = time;
        _options = options;
        _logger = logger;
        _events.Published += OnAccountEvent;
    }

    /// <summary>
    /// An access token valid for at least the safety window, refreshing first when needed. Callers
    /// arriving while a refresh runs wait for it instead of starting their own.
    /// </summary>
    /// <exception cref="TokenUnavailableException">Unknown account, re-authentication needed, or no valid token.</exception>
    public async Task<ValidAccessToken> GetValidAccessTokenAsync(string accountIdOrName, CancellationToken cancellationToken)
    {
        var account = _store.Find(accountIdOrName) ?? throw new TokenUnavailableException($"No account has the id or name '{accountIdOrName}'.", requiresReauth: false);
        if (State(account.Id).Cached is { } cached && !IsDue(cached.ExpiresAtMs))
        {
            return cached;
        }

        if (!account.RequiresReauth && account.Tokens is { } tokens && !IsDue(tokens.ExpiresAtMs))
        {
            return Remember(account.Id, tokens);
        }

        var result = await RefreshSharedAsync(account.Id, force: false, cancellationToken);
        account = _store.Find(account.Id) ?? throw new TokenUnavailableException($"The account '{accountIdOrName}' was removed.", requiresReauth: false);
        if (account.RequiresReauth)
        {
            throw new TokenUnavailableException($"The account '{account.Name}' must sign in again: para accounts reauth {account.Name}", requiresReauth: true);
        }

        // A failed refresh still leaves a token that has not expired yet: better than none.
        if (account.Tokens is { } current && current.ExpiresAtMs > _time.GetUtcNow().ToUnixTimeMilliseconds())
        {
            return Remember(account.Id, current);
        }

        throw new TokenUnavailableException($"The account '{account.Name}' has no valid token: {result.Message}", requiresReauth: false);
    }

    public async Task<TokenOperationResult> RefreshAsync(string accountIdOrName, CancellationToken cancellationToken) =>
        _store.Find(accountIdOrName) is { } account
            ? await RefreshSharedAsync(account.Id, force: true, cancellationToken)
            : TokenOperationResult.Failed($"No account has the id or name '{accountIdOrName}'.", shouldRetry: false);

    /// <summary>The background refresher's entry: refreshes only when the token is inside the window.</summary>
    public Task<TokenOperationResult> RefreshIfDueAsync(string accountId, CancellationToken cancellationToken) =>
        RefreshSharedAsync(accountId, force: false, cancellationToken);

    public Task<TokenOperationResult> ReloadAsync(string accountIdOrName, CancellationToken cancellationToken)
    {
        if (_store.Find(accountIdOrName) is not { } account)
        {
            return Task.FromResult(TokenOperationResult.Failed($"No account has the id or name '{accountIdOrName}'.", shouldRetry: false));
        }

        // The hub calls OnAccountEvent synchronously, which drops this process's cached copy.
        _events.Publish(AccountEventTypes.Reloaded, account.Id, account.Name);
        var expiresAt = account.Tokens is { } tokens ? DateTimeOffset.FromUnixTimeMilliseconds(tokens.ExpiresAtMs) : (DateTimeOffset?)null;
        return Task.FromResult(account.RequiresReauth
            ? TokenOperationResult.Failed($"Reloaded account '{account.Name}', which still needs re-authentication.", shouldRetry: false)
            : TokenOperationResult.Succeeded($"Reloaded tokens of account '{account.Name}' from the store.", expiresAt));
    }

    public Task<TokenOperationResult> ImportAsync(string accountIdOrName, ClaudeAiOauth tokens, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        if (_store.Find(accountIdOrName) is not { } account)
        {
            return Task.FromResult(TokenOperationResult.Failed($"No account has the id or name '{accountIdOrName}'.", shouldRetry: false));
        }

        var stored = account.Tokens;
        if (stored is not null && (tokens.ExpiresAt <= stored.ExpiresAtMs || string.Equals(tokens.RefreshToken, stored.RefreshToken, StringComparison.Ordinal)))
        {
            return Task.FromResult(TokenOperationResult.Failed($"The stored tokens of account '{account.Name}' are as new or newer.", shouldRetry: false));
        }

        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var imported = new OAuthTokens
        {
            AccessToken = tokens.AccessToken,
            RefreshToken = tokens.RefreshToken,
            ExpiresAtMs = tokens.ExpiresAt,
            TokenType = stored?.TokenType ?? "Bearer",
            Scope = string.Join(' ', tokens.Scopes),
            RefreshTokenIssuedAtMs = now,
        };
        var outcome = stored is null
            ? (_store.ReplaceTokens(account.Id, imported, apiKey: null, providerAccount: null) is null ? TokenWriteOutcome.NotFound : TokenWriteOutcome.Written)
            : _store.CompareAndSetTokens(account.Id, stored.RefreshToken, imported, now);
        if (outcome != TokenWriteOutcome.Written)
        {
            return Task.FromResult(TokenOperationResult.Failed($"The tokens of account '{account.Name}' changed meanwhile; nothing imported.", shouldRetry: true));
        }

        _events.Publish(AccountEventTypes.Refreshed, account.Id, account.Name);
        LogImported(_logger, account.Name, TokenFingerprint.Of(imported.AccessToken));
        return Task.FromResult(TokenOperationResult.Succeeded($"Imported newer tokens for account '{account.Name}'.", DateTimeOffset.FromUnixTimeMilliseconds(imported.ExpiresAtMs)));
    }

    public Task<IReadOnlyList<AccountTokenStatus>> GetStatusesAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<AccountTokenStatus>>([.. _store.List().Select(account => new AccountTokenStatus(
            account.Id,
            account.Name,
            account.Tokens is { } tokens ? DateTimeOffset.FromUnixTimeMilliseconds(tokens.ExpiresAtMs) : null,
            account.Tokens is { } due ? _schedule.DueAt(due) : null,
            account.Tokens is { } issued ? DateTimeOffset.FromUnixTimeMilliseconds(issued.RefreshTokenIssuedAtMs) : null,
            account.LastRefreshMs is { } last ? DateTimeOffset.FromUnixTimeMilliseconds(last) : null,
            account.RequiresReauth,
            account.Paused,
            account.AutoRefresh,
            State(account.Id).LastError ?? account.LastError))]);

    /// <summary>True when the token expires inside the safety window (or already has).</summary>
    internal bool IsDue(long expiresAtMs) =>
        DateTimeOffset.FromUnixTimeMilliseconds(expiresAtMs) - _time.GetUtcNow() <= _options.Value.SafetyWindow;

    /// <summary>Joins the account's running refresh, or starts one that no single caller can cancel.</summary>
    private Task<TokenOperationResult> RefreshSharedAsync(string accountId, bool force, CancellationToken cancellationToken)
    {
        var state = State(accountId);
        Task<TokenOperationResult> flight;
        lock (state)
        {
            if (state.InFlight is not { IsCompleted: false })
            {
                state.InFlight = Task.Run(() => RefreshOnceAsync(accountId, force), CancellationToken.None);
            }

            flight = state.InFlight;
        }

        return flight.WaitAsync(cancellationToken);
    }

    private async Task<TokenOperationResult> RefreshOnceAsync(string accountId, bool force)
    {
        // A span for each refresh that asks the provider, not for each background check of a fresh token.
        var account = _store.Find(accountId);
        using var activity = force || account?.Tokens is not { } tokens || IsDue(tokens.ExpiresAtMs)
            ? AccountsTelemetry.Source.StartActivity("Token refresh")
            : null;
        activity?.SetTag(AccountsTelemetry.AccountIdTag, accountId);
        activity?.SetTag(AccountsTelemetry.AccountNameTag, account?.Name);
        activity?.SetTag("para.refresh.forced", force);
        var result = await RefreshOnceCoreAsync(accountId, account, force);
        if (result.Success)
        {
            AccountsTelemetry.Succeeded(activity, "refreshed");
        }
        else
        {
            AccountsTelemetry.Failed(activity, result.ShouldRetry ? "transient" : "refused", result.Message);
        }

        return result;
    }

    /// <summary><paramref name="account"/> as read just now by the caller: one store read per refresh check.</summary>
    private async Task<TokenOperationResult> RefreshOnceCoreAsync(string accountId, AccountRecord? account, bool force)
    {
        var state = State(accountId);
        if (account?.Tokens is not { } tokens)
        {
            return TokenOperationResult.Failed(account is null ? "The account no longer exists." : $"The account '{account.Name}' has no tokens; sign it in.", shouldRetry: false);
        }

        var expiresAt = DateTimeOffset.FromUnixTimeMilliseconds(tokens.ExpiresAtMs);
        if (account.RequiresReauth)
        {
            return TokenOperationResult.Failed($"The account '{account.Name}' must sign in again: para accounts reauth {account.Name}", shouldRetry: false);
        }

        // Whoever refreshed just before us already did the work; refreshing again would waste a token.
        if (!force && !IsDue(tokens.ExpiresAtMs))
        {
            return TokenOperationResult.Succeeded($"The token of account '{account.Name}' is still fresh.", expiresAt);
        }

        var now = _time.GetUtcNow();
        if (state.BackoffUntil is { } until && until > now)
        {
            return TokenOperationResult.Failed($"Refreshing account '{account.Name}' failed recently; next attempt after {until:u}.", shouldRetry: true);
        }

        TokenResponse response;
        var started = _time.GetTimestamp();
        try
        {
            response = await _provider.RefreshAsync(tokens.RefreshToken, CancellationToken.None);
        }
        catch (OAuthProviderException exception) when (exception.IsInvalidGrant)
        {
            var reason = $"The provider refused the refresh token ({exception.ErrorCode}); sign in again: para accounts reauth {account.Name}";
            state.LastError = reason;
            state.Cached = null;
            if (_store.MarkRequiresReauth(accountId, tokens.RefreshToken, reason) == TokenWriteOutcome.Written)
            {
                LogRequiresReauth(_logger, account.Name, exception.ErrorCode);
                _events.Publish(AccountEventTypes.RequiresReauth, accountId, account.Name);
            }

            return TokenOperationResult.Failed(reason, shouldRetry: false);
        }
        catch (OAuthProviderException exception)
        {
            var backoff = _options.Value.TransientFailureBackoff;
            state.BackoffUntil = _time.GetUtcNow().Add(backoff);
            state.LastError = $"{exception.ErrorCode}: {exception.Description}";
            LogTransientFailure(_logger, account.Name, exception.ErrorCode, backoff.TotalSeconds);
            return TokenOperationResult.Failed($"Refreshing account '{account.Name}' failed ({exception.ErrorCode}); retrying after {backoff.TotalSeconds:0} s.", shouldRetry: true);
        }

        now = _time.GetUtcNow();
        var refreshed = response.ToTokens(now, tokens.RefreshToken, tokens.RefreshTokenIssuedAtMs);
        switch (_store.CompareAndSetTokens(accountId, tokens.RefreshToken, refreshed, now.ToUnixTimeMilliseconds()))
        {
            case TokenWriteOutcome.Written:
                state.BackoffUntil = null;
                state.LastError = null;
                state.Cached = null;
                LogRefreshed(_logger, account.Name, TokenFingerprint.Of(refreshed.AccessToken), DateTimeOffset.FromUnixTimeMilliseconds(refreshed.ExpiresAtMs), _time.GetElapsedTime(started).TotalMilliseconds);
                _events.Publish(AccountEventTypes.Refreshed, accountId, account.Name);
                return TokenOperationResult.Succeeded($"Refreshed account '{account.Name}'.", DateTimeOffset.FromUnixTimeMilliseconds(refreshed.ExpiresAtMs));
            case TokenWriteOutcome.Stale:
                // A re-authentication (or an import) wrote newer tokens while we refreshed: theirs win.
                LogStale(_logger, account.Name);
                return TokenOperationResult.Succeeded($"Account '{account.Name}' already has newer tokens.", _store.Find(accountId)?.Tokens is { } newer ? DateTimeOffset.FromUnixTimeMilliseconds(newer.ExpiresAtMs) : null);
            default:
                return TokenOperationResult.Failed("The account was removed while it was refreshed.", shouldRetry: false);
        }
    }

    private ValidAccessToken Remember(string accountId, OAuthTokens tokens)
    {
        var valid = new ValidAccessToken(accountId, tokens.AccessToken, tokens.ExpiresAtMs);
        State(accountId).Cached = valid;
        return valid;
    }

    private AccountRefreshState State(string accountId) => _states.GetOrAdd(accountId, static _ => new AccountRefreshState());

    /// <summary>Any change to an account's tokens made elsewhere makes the cached copy stale.</summary>
    private void OnAccountEvent(AccountEvent accountEvent)
    {
        if (accountEvent.Type is AccountEventTypes.Reloaded or AccountEventTypes.Reauthenticated or AccountEventTypes.Removed or AccountEventTypes.RequiresReauth or AccountEventTypes.Refreshed
            && _states.TryGetValue(accountEvent.AccountId, out var state))
        {
            state.Cached = null;
            if (accountEvent.Type is AccountEventTypes.Reauthenticated or AccountEventTypes.Reloaded)
            {
                // New tokens from a sign-in deserve a refresh attempt at once, not after the old backoff.
                state.BackoffUntil = null;
                state.LastError = null;
            }
        }
    }

    private sealed class AccountRefreshState
    {
        public Task<TokenOperationResult>? InFlight { get; set; }

        public DateTimeOffset? BackoffUntil { get; set; }

        public string? LastError { get; set; }

        public ValidAccessToken? Cached { get; set; }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Refreshed account {AccountName}: access token {Fingerprint} expires at {ExpiresAt:u} ({DurationMs:0} ms)")]
    private static partial void LogRefreshed(ILogger logger, string accountName, string fingerprint, DateTimeOffset expiresAt, double durationMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Account {AccountName} needs re-authentication: the provider refused its refresh token ({ErrorCode})")]
    private static partial void LogRequiresReauth(ILogger logger, string accountName, string errorCode);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refreshing account {AccountName} failed ({ErrorCode}); backing off {BackoffSeconds} s")]
    private static partial void LogTransientFailure(ILogger logger, string accountName, string errorCode, double backoffSeconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Account {AccountName} got newer tokens while refreshing; the refreshed ones were discarded")]
    private static partial void LogStale(ILogger logger, string accountName);

    [LoggerMessage(Level = LogLevel.Information, Message = "Imported newer tokens for account {AccountName} (access token {Fingerprint})")]
    private static partial void LogImported(ILogger logger, string accountName, string fingerprint);
}

/// <summary>An access token and when it expires. <see cref="ToString"/> never shows the token.</summary>
internal sealed record ValidAccessToken(string AccountId, string AccessToken, long ExpiresAtMs)
{
    public DateTimeOffset ExpiresAt => DateTimeOffset.FromUnixTimeMilliseconds(ExpiresAtMs);

    public override string ToString() => $"ValidAccessToken {{ AccountId = {AccountId}, ExpiresAt = {ExpiresAt:u} }}";
}

internal sealed class TokenUnavailableException(string message, bool requiresReauth) : Exception(message)
{
    public bool RequiresReauth { get; } = requiresReauth;
}
