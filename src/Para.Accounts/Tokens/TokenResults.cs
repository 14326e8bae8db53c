using Para.Accounts.Storage;

namespace Para.Accounts.Tokens;

/// <summary>The outcome of one token operation; <see cref="Message"/> is safe to show and log.</summary>
public sealed record TokenOperationResult(bool Success, string Message, bool ShouldRetry, DateTimeOffset? ExpiresAt = null)
{
    public static TokenOperationResult Succeeded(string message, DateTimeOffset? expiresAt = null) => new(true, message, true, expiresAt);

    public static TokenOperationResult Failed(string message, bool shouldRetry) => new(false, message, shouldRetry);
}

/// <summary>Why a refresh did not run.</summary>
internal enum RefreshRefusal
{
    None,

    /// <summary>The account's last attempt was less than the cooldown ago.</summary>
    CoolingDown,

    /// <summary>Failed attempts back off; the next one is due at <see cref="RefreshOutcome.RetryAt"/>.</summary>
    BackingOff,

    /// <summary>The consecutive-failure limit stops transparent retries.</summary>
    TooManyFailures,
}

/// <summary>A refresh that ran (with its result), or the reason it did not and when it may.</summary>
internal sealed record RefreshOutcome(TokenOperationResult? Result, RefreshRefusal Refusal, DateTimeOffset? RetryAt, string? RefusalMessage)
{
    public string Message => Result?.Message ?? RefusalMessage ?? "";

    public bool Succeeded => Result?.Success == true;

    public static RefreshOutcome Ran(TokenOperationResult result) => new(result, RefreshRefusal.None, null, null);

    public static RefreshOutcome Refused(RefreshRefusal refusal, DateTimeOffset? retryAt, string message) => new(null, refusal, retryAt, message);
}

/// <summary>A refresh of every account: how many ran, worked, failed or were held by their gate.</summary>
internal sealed record RefreshAllOutcome(TokenOperationResult Result, DateTimeOffset? RetryAt)
{
    public static RefreshAllOutcome From(int accountCount, IReadOnlyList<(string Name, RefreshOutcome Outcome)> outcomes)
    {
        if (outcomes.Count == 0)
        {
            var why = accountCount == 0 ? "There is no account to refresh." : "No account is signed in; sign them in again first.";
            return new RefreshAllOutcome(TokenOperationResult.Failed(why, shouldRetry: false), null);
        }

        var ran = outcomes.Where(item => item.Outcome.Result is not null).ToList();
        var held = outcomes.Where(item => item.Outcome.Result is null).ToList();
        var failed = ran.Where(item => !item.Outcome.Succeeded).ToList();
        if (ran.Count == 0)
        {
            // Every account is inside its cooldown: that is a refusal, with the earliest time one opens.
            return new RefreshAllOutcome(
                TokenOperationResult.Failed($"All {held.Count} accounts refreshed moments ago.", shouldRetry: true),
                held.Min(item => item.Outcome.RetryAt));
        }

        if (failed.Count == 0 && held.Count == 0)
        {
            return new RefreshAllOutcome(TokenOperationResult.Succeeded($"Refreshed all {ran.Count} accounts."), null);
        }

        var parts = new List<string> { $"Refreshed {ran.Count - failed.Count} of {outcomes.Count} accounts" };
        if (held.Count > 0)
        {
            parts.Add($"{held.Count} refreshed moments ago");
        }

        var sentence = string.Join("; ", parts) + ".";
        if (failed.Count > 0)
        {
            sentence += " Failed: " + string.Join(" ", failed.Select(item => $"{item.Name}: {item.Outcome.Message}"));
        }

        return new RefreshAllOutcome(
            failed.Count == 0
                ? TokenOperationResult.Succeeded(sentence)
                : TokenOperationResult.Failed(sentence, failed.Any(item => item.Outcome.Result!.ShouldRetry)),
            null);
    }
}

internal enum SignInWriteOutcome
{
    Written,
    NameTaken,
    AccountRemoved,
}

internal sealed record SignInWrite(AccountRecord? Account, SignInWriteOutcome Outcome);

/// <summary>One account's token state and refresh numbers; never a token.</summary>
internal sealed record AccountTokenStatus(
    string AccountId,
    string Name,
    DateTimeOffset? ExpiresAt,
    DateTimeOffset? RefreshDueAt,
    DateTimeOffset? RefreshTokenIssuedAt,
    DateTimeOffset? LastRefresh,
    bool RequiresReauth,
    bool Paused,
    bool AutoRefresh,
    string? LastError,
    AccountRefreshStatus Refresh,
    bool IsAuthenticated,
    DateTimeOffset? RefreshTokenHandedOutAt = null,
    bool? ProviderAccepts = null,
    DateTimeOffset? ProviderCheckedAt = null);

/// <summary>An access token and when it expires. <see cref="ToString"/> never shows the token.</summary>
internal sealed record ValidAccessToken(string AccountId, string AccountName, string AccessToken, long ExpiresAtMs)
{
    public DateTimeOffset ExpiresAt => DateTimeOffset.FromUnixTimeMilliseconds(ExpiresAtMs);

    public override string ToString() => $"ValidAccessToken {{ AccountId = {AccountId}, ExpiresAt = {ExpiresAt:u} }}";
}

internal enum TokenUnavailableReason
{
    NotFound,
    RequiresReauth,
    Unavailable,
}

/// <summary>No token to hand out; the message is safe to show and says what to do.</summary>
internal sealed class TokenUnavailableException(string message, TokenUnavailableReason reason, DateTimeOffset? retryAt = null) : Exception(message)
{
    public TokenUnavailableReason Reason { get; } = reason;

    /// <summary>When a new attempt may work, for a <c>Retry-After</c>.</summary>
    public DateTimeOffset? RetryAt { get; } = retryAt;

    public static TokenUnavailableException NotFound(string accountIdOrName) =>
        new($"No account has the id or name '{accountIdOrName}'.", TokenUnavailableReason.NotFound);
}

/// <summary>
/// Somewhere newer tokens for an account may be found when its refresh fails (Claude Code's own
/// credentials file). The token manager keeps them only when they are newer than the stored ones.
/// </summary>
internal interface ITokenFallback
{
    /// <summary>Short name for logs and messages: "credentials file".</summary>
    string Name { get; }

    Task<Para.Contracts.Credentials.ClaudeAiOauth?> FindNewerAsync(string accountId, string accountName, CancellationToken cancellationToken);
}
