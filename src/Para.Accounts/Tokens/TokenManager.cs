using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Para.Accounts.Accounts;
using Para.Accounts.AuthRefresh;
using Para.Accounts.Events;
using Para.Accounts.Holders;
using Para.Accounts.OAuth;
using Para.Accounts.Storage;
using Para.Contracts.Credentials;
using Para.Contracts.Events;

namespace Para.Accounts.Tokens;

/// <summary>
/// The one place that writes an account's tokens and the one path every refresh takes, whoever
/// asks (background, a consumer, a failed call, a person). Refresh tokens are single-use and
/// rotating: two refreshes racing on one account kill it. So refreshes of one account share one
/// flight, the result is written with compare-and-set on the refresh token that was used, and the
/// cooldown, failure count and back-off are kept per account.
/// </summary>
internal sealed partial class TokenManager
{
    private readonly AccountStore _store;
    private readonly OAuthTokenClient _provider;
    private readonly AccountEventHub _events;
    private readonly TimeProvider _time;
    private readonly IOptions<TokenManagerOptions> _options;
    private readonly RefreshSchedule _schedule;
    private readonly TokenMetrics _metrics;
    private readonly ITokenFallback[] _fallbacks;
    private readonly ITokenHolders _holders;
    private readonly Gateway.ProviderVerdicts _verdicts;
    private readonly ILogger<TokenManager> _logger;
    private readonly ConcurrentDictionary<string, AccountRefreshState> _states = new(StringComparer.Ordinal);
    private long _stateVersion;

    public TokenManager(
        AccountStore store,
        OAuthTokenClient provider,
        AccountEventHub events,
        TimeProvider time,
        IOptions<TokenManagerOptions> options,
        RefreshSchedule schedule,
        TokenMetrics metrics,
        IEnumerable<ITokenFallback> fallbacks,
        ITokenHolders holders,
        Gateway.ProviderVerdicts verdicts,
        ILogger<TokenManager> logger)
    {
        _store = store;
        _provider = provider;
        _events = events;
        _time = time;
        _options = options;
        _schedule = schedule;
        _metrics = metrics;
        _fallbacks = [.. fallbacks];
        _holders = holders;
        _verdicts = verdicts;
        _logger = logger;
    }

    /// <summary>
    /// An access token that stays valid for at least the minimum validity. A token inside its
    /// refresh window is refreshed first (on the account's single flight, through its gate); when
    /// that fails the stored token is still handed out if it stays valid long enough. Every
    /// consumer of an access token comes here.
    /// </summary>
    /// <exception cref="TokenUnavailableException">Unknown account, re-authentication needed, or no token valid long enough.</exception>
    public async Task<ValidAccessToken> GetValidAccessTokenAsync(string accountIdOrName, CancellationToken cancellationToken)
    {
        var account = _store.Find(accountIdOrName) ?? throw TokenUnavailableException.NotFound(accountIdOrName);
        if (!_schedule.IsDue(SignedIn(account)))
        {
            return Valid(account);
        }

        var outcome = await RefreshAsync(account.Id, RefreshTrigger.OnDemand, cancellationToken);
        account = _store.Find(account.Id) ?? throw TokenUnavailableException.NotFound(accountIdOrName);
        if (StaysValid(SignedIn(account)))
        {
            return Valid(account);
        }

        throw new TokenUnavailableException(
            $"The account '{account.Name}' has no token valid for the next {_options.Value.MinimumValidity.TotalMinutes:0} minutes: {outcome.Message}",
            TokenUnavailableReason.Unavailable,
            outcome.RetryAt ?? State(account.Id).Status.NextAttemptAt);

        static OAuthTokens SignedIn(AccountRecord record)
        {
            if (record.RequiresReauth)
            {
                throw new TokenUnavailableException(
                    $"The account '{record.Name}' must sign in again: para accounts reauth {record.Name}", TokenUnavailableReason.RequiresReauth);
            }

            return record.Tokens is { AccessToken.Length: > 0 } tokens
                ? tokens
                : throw new TokenUnavailableException($"The account '{record.Name}' has no tokens; sign it in.", TokenUnavailableReason.RequiresReauth);
        }

        static ValidAccessToken Valid(AccountRecord record) => new(record.Id, record.Name, record.Tokens!.AccessToken, record.Tokens.ExpiresAtMs);
    }

    /// <summary>
    /// The account's credentials in Claude Code's file format, with a token valid long enough.
    /// With the refresh token, the account is first marked as having handed it out, durably, so
    /// that from then on (restarts included) its refreshes ask the holders first.
    /// </summary>
    public async Task<CredentialsExport> ExportAsync(string accountIdOrName, bool includeRefreshToken, string defaultScopes, CancellationToken cancellationToken)
    {
        var valid = await GetValidAccessTokenAsync(accountIdOrName, cancellationToken);
        AccountRecord account;
        if (includeRefreshToken)
        {
            var marked = _store.MarkRefreshTokenHandedOut(valid.AccountId, _time.GetUtcNow().ToUnixTimeMilliseconds())
                ?? throw TokenUnavailableException.NotFound(accountIdOrName);
            account = marked.Account;
            if (marked.Written)
            {
                // Before the token leaves: a crash must not forget that someone may hold it.
                _store.MakeDurable();
                LogHandedOut(_logger, account.Name);
            }
        }
        else
        {
            account = _store.Find(valid.AccountId) ?? throw TokenUnavailableException.NotFound(accountIdOrName);
        }

        var tokens = account.Tokens!;
        // A refresh may have landed between the two reads: export what is stored now, which is newer still.
        var export = ClaudeCodeCredentials.From(account, tokens, includeRefreshToken, defaultScopes, _schedule.DueAt(tokens));
        LogExported(_logger, account.Name, export.Fingerprint, includeRefreshToken ? "with its refresh token" : "access only");
        return export;
    }

    /// <summary>
    /// Asks for a refresh. Joins the account's running one if there is one; otherwise the trigger's
    /// gate decides: a person waits out only the cooldown, a failed call also the failure limit, the
    /// background and consumers also the failure back-off.
    /// </summary>
    public async Task<RefreshOutcome> RefreshAsync(string accountIdOrName, RefreshTrigger trigger, CancellationToken cancellationToken)
    {
        if (_store.Find(accountIdOrName) is not { } account)
        {
            return RefreshOutcome.Ran(TokenOperationResult.Failed($"No account has the id or name '{accountIdOrName}'.", shouldRetry: false));
        }

        var state = State(account.Id);
        if (state.InFlight is null && Gate(state.Status, trigger, account.Tokens) is { } refusal)
        {
            return refusal;
        }

        var force = trigger is RefreshTrigger.Manual or RefreshTrigger.Recovery;
        var flight = state.Join(() => Task.Run(() => RefreshOnceAsync(account.Id, trigger, force), CancellationToken.None), out _);
        try
        {
            // The flight is never cancelled: a token the provider issued is always written.
            return RefreshOutcome.Ran(await flight.WaitAsync(_options.Value.RefreshTimeout, _time, cancellationToken));
        }
        catch (TimeoutException)
        {
            return RefreshOutcome.Ran(TokenOperationResult.Failed($"The refresh of account '{account.Name}' did not finish within {_options.Value.RefreshTimeout}.", shouldRetry: true));
        }
    }

    /// <summary>Every signed-in account at once (a few at a time), each through its own gate.</summary>
    public async Task<RefreshAllOutcome> RefreshAllAsync(RefreshTrigger trigger, CancellationToken cancellationToken)
    {
        var accounts = _store.List().Where(account => account is { RequiresReauth: false, Tokens: not null }).ToList();
        var outcomes = new ConcurrentBag<(AccountRecord Account, RefreshOutcome Outcome)>();
        await Parallel.ForEachAsync(
            accounts,
            new ParallelOptions { MaxDegreeOfParallelism = _options.Value.RefreshParallelism, CancellationToken = cancellationToken },
            async (account, token) => outcomes.Add((account, await RefreshAsync(account.Id, trigger, token))));
        return RefreshAllOutcome.From(_store.List().Count, [.. outcomes.Select(item => (item.Account.Name, item.Outcome))]);
    }

    /// <summary>
    /// Stores the tokens of a completed sign-in: a new account, or only the token fields (and API
    /// key and provider identity) of the account being re-authenticated.
    /// </summary>
    public SignInWrite SaveSignIn(PendingOAuthSession session, OAuthTokens tokens, string? apiKey, ProviderAccount? providerAccount)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(tokens);
        AccountRecord? account;
        if (session.AccountId is null)
        {
            try
            {
                account = _store.Insert(new AccountRecord
                {
                    Id = Guid.NewGuid().ToString("N"),
                    Name = session.AccountName,
                    Mode = session.Mode,
                    Priority = session.Priority,
                    Tokens = tokens,
                    ApiKey = apiKey,
                    ProviderAccount = providerAccount,
                    CreatedAtMs = _time.GetUtcNow().ToUnixTimeMilliseconds(),
                });
            }
            catch (DuplicateAccountNameException)
            {
                return new SignInWrite(null, SignInWriteOutcome.NameTaken);
            }

            _events.Publish(AccountEventTypes.Created, account.Id, account.Name);
        }
        else
        {
            account = _store.ReplaceTokens(session.AccountId, tokens, apiKey, providerAccount);
            if (account is null)
            {
                return new SignInWrite(null, SignInWriteOutcome.AccountRemoved);
            }

            State(account.Id).Reset();
            Interlocked.Increment(ref _stateVersion);
            _events.Publish(AccountEventTypes.Reauthenticated, account.Id, account.Name);
        }

        _store.MakeDurable();
        return new SignInWrite(account, SignInWriteOutcome.Written);
    }

    /// <summary>Every account's token state with its refresh numbers, for health documents; never a token.</summary>
    public IReadOnlyList<AccountTokenStatus> GetStatuses()
    {
        var accounts = _store.List();
        var statuses = new AccountTokenStatus[accounts.Count];
        for (var i = 0; i < accounts.Count; i++)
        {
            statuses[i] = StatusOf(accounts[i]);
        }

        return statuses;
    }

    public AccountRefreshStatus RefreshStatusOf(string accountId) =>
        _states.TryGetValue(accountId, out var state) ? state.Status : AccountRefreshStatus.None;

    /// <summary>The flights still running; a stopping host waits for them so no issued token is dropped.</summary>
    public Task WhenIdleAsync() =>
        Task.WhenAll(_states.Values.Select(state => state.InFlight).OfType<Task>());

    /// <summary>Changes whenever any account's refresh numbers change, so documents built from them can be reused until then.</summary>
    public long StateVersion => Volatile.Read(ref _stateVersion);

    public bool Exists(string accountIdOrName) => _store.Find(accountIdOrName) is not null;

    public int MaxConsecutiveFailures => _options.Value.MaxConsecutiveFailures;

    public long MillisecondsUntil(DateTimeOffset? at) => at is { } time ? Milliseconds(time - _time.GetUtcNow()) : 0;

    private bool StaysValid(OAuthTokens tokens) =>
        DateTimeOffset.FromUnixTimeMilliseconds(tokens.ExpiresAtMs) - _time.GetUtcNow() >= _schedule.MinimumValidity(tokens);

    /// <summary>When the account's cooldown ends (null when it is not cooling down): the refresher wakes then for a token that fell due meanwhile.</summary>
    public DateTimeOffset? CooldownEndsAt(string accountId, OAuthTokens? tokens)
    {
        if (RefreshStatusOf(accountId).LastAttempt is not { } last)
        {
            return null;
        }

        var end = last + _schedule.Cooldown(tokens);
        return end > _time.GetUtcNow() ? end : null;
    }

    private RefreshOutcome? Gate(AccountRefreshStatus status, RefreshTrigger trigger, OAuthTokens? tokens)
    {
        var settings = _options.Value;
        var now = _time.GetUtcNow();
        var cooldown = _schedule.Cooldown(tokens);
        if (trigger == RefreshTrigger.Recovery && status.ConsecutiveFailures >= settings.MaxConsecutiveFailures)
        {
            return RefreshOutcome.Refused(RefreshRefusal.TooManyFailures, status.NextAttemptAt, $"{status.ConsecutiveFailures} refreshes in a row failed; not retrying.");
        }

        if (status.LastAttempt is { } last && last + cooldown > now)
        {
            return RefreshOutcome.Refused(RefreshRefusal.CoolingDown, last + cooldown, "A refresh ran moments ago.");
        }

        if (trigger is RefreshTrigger.Background or RefreshTrigger.OnDemand && status.NextAttemptAt is { } next && next > now)
        {
            return RefreshOutcome.Refused(RefreshRefusal.BackingOff, next, $"Refreshing failed recently; next attempt after {next:u}.");
        }

        return null;
    }

    private async Task<TokenOperationResult> RefreshOnceAsync(string accountId, RefreshTrigger trigger, bool force)
    {
        var account = _store.Find(accountId);
        if (account?.Tokens is not { } tokens)
        {
            return TokenOperationResult.Failed(account is null ? "The account no longer exists." : $"The account '{account.Name}' has no tokens; sign it in.", shouldRetry: false);
        }

        if (account.RequiresReauth)
        {
            return TokenOperationResult.Failed($"The account '{account.Name}' must sign in again: para accounts reauth {account.Name}", shouldRetry: false);
        }

        // Whoever refreshed just before us already did the work; refreshing again would waste a token.
        if (!force && !_schedule.IsDue(tokens) && StaysValid(tokens))
        {
            return TokenOperationResult.Succeeded($"The token of account '{account.Name}' is still fresh.", DateTimeOffset.FromUnixTimeMilliseconds(tokens.ExpiresAtMs));
        }

        using var activity = AccountsTelemetry.Source.StartActivity("Token refresh");
        activity?.SetTag(AccountsTelemetry.AccountIdTag, accountId);
        activity?.SetTag(AccountsTelemetry.AccountNameTag, account.Name);
        activity?.SetTag("para.refresh.trigger", TriggerName(trigger));
        if (account.RefreshTokenHandedOutAtMs is not null)
        {
            // Someone was given this refresh token and may have spent it: look before presenting it.
            var look = await LookAtHoldersAsync(account, tokens, trigger);
            if (look.Result is { } settled)
            {
                if (settled.Success)
                {
                    AccountsTelemetry.Succeeded(activity, look.Adopted is null ? "unchanged" : "adopted");
                }
                else
                {
                    AccountsTelemetry.Failed(activity, "deferred", settled.Message);
                }

                return settled;
            }

            if (look.Adopted is { } adopted)
            {
                // Adopted but already due (the holder's token is old too): refresh with the adopted one, which only Para presents now.
                account = _store.Find(accountId) ?? account;
                tokens = adopted;
            }
        }

        var started = _time.GetTimestamp();
        var attempt = await AttemptAsync(account, tokens);
        var elapsed = _time.GetElapsedTime(started);
        var now = _time.GetUtcNow();
        var state = State(accountId);
        if (attempt.Result.Success)
        {
            var status = state.RecordSuccess(now);
            AuthRefreshLog.RefreshSucceeded(_logger, status.RefreshCount, Milliseconds(elapsed), account.Name, attempt.Source);
            AccountsTelemetry.Succeeded(activity, "refreshed");
        }
        else
        {
            var status = state.RecordFailure(now, attempt.Result.Message, failures => attempt.Result.ShouldRetry ? _schedule.NextAttemptAfter(failures, now, tokens) : null);
            AuthRefreshLog.RefreshFailed(_logger, status.ConsecutiveFailures, Milliseconds(elapsed), account.Name, attempt.Result.Message);
            AccountsTelemetry.Failed(activity, attempt.Result.ShouldRetry ? "transient" : "refused", attempt.Result.Message);
        }

        Interlocked.Increment(ref _stateVersion);
        _metrics.RecordRefresh(TriggerName(trigger), attempt.Result.Success, attempt.FailureReason, elapsed);
        return attempt.Result;
    }

    /// <summary>The refresh-token grant, then the fallbacks (a newer credentials file) when it fails.</summary>
    private async Task<Attempt> AttemptAsync(AccountRecord account, OAuthTokens tokens)
    {
        TokenResponse response;
        try
        {
            // Not cancellable by any caller: an abandoned request may already have rotated the token.
            response = await _provider.RefreshAsync(tokens.RefreshToken, CancellationToken.None);
        }
        catch (OAuthProviderException exception)
        {
            if (await TryFallbacksAsync(account, tokens) is { } fallback)
            {
                return fallback;
            }

            if (!exception.IsInvalidGrant)
            {
                LogTransientFailure(_logger, account.Name, exception.ErrorCode);
                return new Attempt(
                    TokenOperationResult.Failed($"Refreshing account '{account.Name}' failed ({exception.ErrorCode}: {exception.Description}).", shouldRetry: true),
                    "refresh-token",
                    "transient");
            }

            var reason = $"The provider refused the refresh token ({exception.ErrorCode}); sign in again: para accounts reauth {account.Name}";
            if (_store.MarkRequiresReauth(account.Id, tokens.RefreshToken, reason) == TokenWriteOutcome.Written)
            {
                LogRequiresReauth(_logger, account.Name, exception.ErrorCode);
                _events.Publish(AccountEventTypes.RequiresReauth, account.Id, account.Name);
            }

            return new Attempt(TokenOperationResult.Failed(reason, shouldRetry: false), "refresh-token", "refused");
        }

        // Written before anything else happens: until this returns, the only copy of the new refresh token is in memory.
        var now = _time.GetUtcNow();
        var refreshed = response.ToTokens(now, tokens.RefreshToken, tokens.RefreshTokenIssuedAtMs);
        switch (_store.CompareAndSetTokens(account.Id, tokens.RefreshToken, refreshed, now.ToUnixTimeMilliseconds()))
        {
            case TokenWriteOutcome.Written:
                _store.MakeDurable();
                LogRefreshed(_logger, account.Name, TokenFingerprint.Of(refreshed.AccessToken), DateTimeOffset.FromUnixTimeMilliseconds(refreshed.ExpiresAtMs));
                _events.Publish(AccountEventTypes.Refreshed, account.Id, account.Name);
                return new Attempt(TokenOperationResult.Succeeded($"Refreshed account '{account.Name}'.", DateTimeOffset.FromUnixTimeMilliseconds(refreshed.ExpiresAtMs)), "refresh-token", null);
            case TokenWriteOutcome.Stale:
                // A re-authentication wrote newer tokens while we refreshed: theirs win.
                LogStale(_logger, account.Name);
                return new Attempt(TokenOperationResult.Succeeded($"Account '{account.Name}' already has newer tokens."), "refresh-token", null);
            default:
                return new Attempt(TokenOperationResult.Failed("The account was removed while it was refreshed.", shouldRetry: false), "refresh-token", "removed");
        }
    }

    /// <summary>
    /// Asks the holders of a handed-out refresh token for newer tokens. Newer ones are adopted
    /// (the refresh is then unnecessary unless they are due too); holders that cannot be asked
    /// defer the refresh, because the token Para holds may already be spent.
    /// </summary>
    private async Task<HolderLook> LookAtHoldersAsync(AccountRecord account, OAuthTokens stored, RefreshTrigger trigger)
    {
        var state = State(account.Id);
        HeldTokens? held;
        try
        {
            held = await _holders.FindNewestAsync(account.Name, CancellationToken.None);
        }
        catch (TokenHoldersUnavailableException exception)
        {
            var reason = $"Refresh of account '{account.Name}' deferred: its refresh token was handed out and its holders cannot be asked first ({exception.Message}); "
                + $"it is not presented while a container may have used it. Start container-auth, or sign in again: para accounts reauth {account.Name}";
            state.RecordDeferred(reason);
            Interlocked.Increment(ref _stateVersion);
            _metrics.RecordHolderLook(TriggerName(trigger), "deferred");
            LogDeferred(_logger, account.Name, exception.Message);
            return new HolderLook(TokenOperationResult.Failed(reason, shouldRetry: true), null);
        }

        if (held is null)
        {
            _metrics.RecordHolderLook(TriggerName(trigger), "none");
            return new HolderLook(null, null);
        }

        switch (TryAdopt(account, stored, held.Tokens, $"container {held.Holder}", heldOutside: true))
        {
            case (TokenWriteOutcome.Written, { } adopted):
                state.RecordAdoption(_time.GetUtcNow());
                Interlocked.Increment(ref _stateVersion);
                _metrics.RecordHolderLook(TriggerName(trigger), "adopted");
                var expiresAt = DateTimeOffset.FromUnixTimeMilliseconds(adopted.ExpiresAtMs);
                return !_schedule.IsDue(adopted) && StaysValid(adopted)
                    ? new HolderLook(TokenOperationResult.Succeeded($"Took newer tokens for account '{account.Name}' from container {held.Holder}; no refresh needed.", expiresAt), adopted)
                    : new HolderLook(null, adopted);
            case (TokenWriteOutcome.Stale, _):
                // Para's tokens changed while it looked (a sign-in): those win, and the old refresh token is not presented.
                _metrics.RecordHolderLook(TriggerName(trigger), "stale");
                return new HolderLook(TokenOperationResult.Succeeded($"Account '{account.Name}' already has newer tokens."), null);
            case (TokenWriteOutcome.NotFound, _):
                return new HolderLook(TokenOperationResult.Failed("The account was removed while it was refreshed.", shouldRetry: false), null);
            default:
                _metrics.RecordHolderLook(TriggerName(trigger), "none");
                return new HolderLook(null, null);
        }
    }

    /// <summary>
    /// The one adopt path, for the holders and the fallbacks: tokens found elsewhere are taken only
    /// when they are newer (another refresh token and a later expiry), with compare-and-set on the
    /// refresh token Para held, so tokens Para got meanwhile are never overwritten.
    /// </summary>
    /// <returns>Null when the found tokens are not newer; otherwise the write's outcome and the tokens written.</returns>
    private (TokenWriteOutcome Outcome, OAuthTokens? Tokens)? TryAdopt(AccountRecord account, OAuthTokens stored, ClaudeAiOauth found, string source, bool heldOutside)
    {
        if (found.AccessToken.Length == 0 || found.RefreshToken.Length == 0 || found.ExpiresAt <= stored.ExpiresAtMs
            || string.Equals(found.RefreshToken, stored.RefreshToken, StringComparison.Ordinal))
        {
            return null;
        }

        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var imported = new OAuthTokens
        {
            AccessToken = found.AccessToken,
            RefreshToken = found.RefreshToken,
            ExpiresAtMs = found.ExpiresAt,
            TokenType = stored.TokenType,
            Scope = found.Scopes is { Count: > 0 } scopes ? string.Join(' ', scopes) : stored.Scope,
            RefreshTokenIssuedAtMs = now,
        };
        var outcome = _store.CompareAndSetTokens(account.Id, stored.RefreshToken, imported, now, heldOutside);
        if (outcome != TokenWriteOutcome.Written)
        {
            return (outcome, null);
        }

        _store.MakeDurable();
        LogImported(_logger, account.Name, source, TokenFingerprint.Of(imported.AccessToken));
        // Every consumer hears it as new tokens; container-auth feeds them to the account's other containers.
        _events.Publish(AccountEventTypes.Refreshed, account.Id, account.Name);
        return (outcome, imported);
    }

    private async Task<Attempt?> TryFallbacksAsync(AccountRecord account, OAuthTokens stored)
    {
        foreach (var fallback in _fallbacks)
        {
            ClaudeAiOauth? found;
            try
            {
                found = await fallback.FindNewerAsync(account.Id, account.Name, CancellationToken.None);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                // Exception text may quote a file's content; keep only its kind.
                LogFallbackFailed(_logger, fallback.Name, account.Name, exception.GetType().Name);
                continue;
            }

            if (found is not null && TryAdopt(account, stored, found, fallback.Name, heldOutside: false) is (TokenWriteOutcome.Written, { } imported))
            {
                return new Attempt(
                    TokenOperationResult.Succeeded($"Took newer tokens for account '{account.Name}' from the {fallback.Name}.", DateTimeOffset.FromUnixTimeMilliseconds(imported.ExpiresAtMs)),
                    fallback.Name,
                    null);
            }
        }

        return null;
    }

    private AccountTokenStatus StatusOf(AccountRecord account)
    {
        var refresh = RefreshStatusOf(account.Id);
        var verdict = _verdicts.Of(account);
        var tokens = account.Tokens;
        var expiresAt = tokens is null ? (DateTimeOffset?)null : DateTimeOffset.FromUnixTimeMilliseconds(tokens.ExpiresAtMs);
        return new AccountTokenStatus(
            account.Id,
            account.Name,
            expiresAt,
            tokens is null ? null : _schedule.DueAt(tokens),
            tokens is null ? null : DateTimeOffset.FromUnixTimeMilliseconds(tokens.RefreshTokenIssuedAtMs),
            account.LastRefreshMs is { } last ? DateTimeOffset.FromUnixTimeMilliseconds(last) : null,
            account.RequiresReauth,
            account.Paused,
            account.AutoRefresh,
            account.RequiresReauth ? account.LastError : refresh.LastError ?? account.LastError,
            refresh,
            // A token the provider refused is not authenticated, however long it has left; refreshing it stays with the usual paths.
            IsAuthenticated: !account.RequiresReauth && expiresAt > _time.GetUtcNow() && refresh.ConsecutiveFailures == 0 && verdict?.Accepted != false,
            account.RefreshTokenHandedOutAtMs is { } handedOut ? DateTimeOffset.FromUnixTimeMilliseconds(handedOut) : null,
            verdict?.Accepted,
            verdict?.At);
    }

    private AccountRefreshState State(string accountId) => _states.GetOrAdd(accountId, static _ => new AccountRefreshState());

    private static string TriggerName(RefreshTrigger trigger) => trigger switch
    {
        RefreshTrigger.Background => "background",
        RefreshTrigger.OnDemand => "on-demand",
        RefreshTrigger.Recovery => "automatic",
        _ => "manual",
    };

    private static long Milliseconds(TimeSpan duration) => (long)Math.Ceiling(Math.Max(0, duration.TotalMilliseconds));

    private sealed record Attempt(TokenOperationResult Result, string Source, string? FailureReason);

    /// <summary>What looking at the holders settled: a result that ends the refresh, and the tokens adopted, if any.</summary>
    private sealed record HolderLook(TokenOperationResult? Result, OAuthTokens? Adopted);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Refreshed account {AccountName}: access token {Fingerprint} expires at {ExpiresAt:u}")]
    private static partial void LogRefreshed(ILogger logger, string accountName, string fingerprint, DateTimeOffset expiresAt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Account {AccountName} needs re-authentication: the provider refused its refresh token ({ErrorCode})")]
    private static partial void LogRequiresReauth(ILogger logger, string accountName, string errorCode);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refreshing account {AccountName} failed ({ErrorCode}); backing off")]
    private static partial void LogTransientFailure(ILogger logger, string accountName, string errorCode);

    [LoggerMessage(Level = LogLevel.Information, Message = "Account {AccountName} got newer tokens while refreshing; the refreshed ones were discarded")]
    private static partial void LogStale(ILogger logger, string accountName);

    [LoggerMessage(Level = LogLevel.Information, Message = "Took newer tokens for account {AccountName} from the {Source} (access token {Fingerprint})")]
    private static partial void LogImported(ILogger logger, string accountName, string source, string fingerprint);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The {Source} could not be read for account {AccountName} ({ExceptionType})")]
    private static partial void LogFallbackFailed(ILogger logger, string source, string accountName, string exceptionType);

    [LoggerMessage(Level = LogLevel.Information, Message = "Account {AccountName}'s refresh token is handed out: its refreshes ask the holders first")]
    private static partial void LogHandedOut(ILogger logger, string accountName);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refresh of account {AccountName} deferred: its refresh token was handed out and the holders cannot be asked ({Reason})")]
    private static partial void LogDeferred(ILogger logger, string accountName, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Credentials of account {AccountName} exported (access token {Fingerprint}) {Form}")]
    private static partial void LogExported(ILogger logger, string accountName, string fingerprint, string form);
}
