namespace Para.Accounts.Tokens;

/// <summary>What asked for a refresh: each has its own gate, and every one is counted the same way.</summary>
internal enum RefreshTrigger
{
    /// <summary>The background refresher found the token due.</summary>
    Background,

    /// <summary>A consumer asked for a token that would not stay valid long enough.</summary>
    OnDemand,

    /// <summary>A call failed with an authentication error and may be retried.</summary>
    Recovery,

    /// <summary>A person asked (<c>POST /health/auth/refresh</c>, the console, the CLI, the dashboard).</summary>
    Manual,
}

/// <summary>
/// One account's refresh numbers as they were at one moment; never a token. Adoptions (newer
/// tokens taken from a holder before a refresh) are counted apart: they are neither refreshes nor failures.
/// </summary>
internal sealed record AccountRefreshStatus(
    long RefreshCount,
    int ConsecutiveFailures,
    DateTimeOffset? LastAttempt,
    bool? LastAttemptSucceeded,
    DateTimeOffset? LastSuccess,
    DateTimeOffset? NextAttemptAt,
    string? LastError,
    long AdoptionCount = 0,
    DateTimeOffset? LastAdoption = null)
{
    public static readonly AccountRefreshStatus None = new(0, 0, null, null, null, null, null);
}

/// <summary>
/// One account's refresh state in this process (the seed keeps no persistent state). Changed only
/// under its own lock; readers take a <see cref="AccountRefreshStatus"/> snapshot.
/// </summary>
internal sealed class AccountRefreshState
{
    private readonly Lock _lock = new();
    private AccountRefreshStatus _status = AccountRefreshStatus.None;
    private Task<TokenOperationResult>? _inFlight;

    public AccountRefreshStatus Status
    {
        get
        {
            lock (_lock)
            {
                return _status;
            }
        }
    }

    /// <summary>Joins the running refresh, or starts <paramref name="start"/> as the new one.</summary>
    public Task<TokenOperationResult> Join(Func<Task<TokenOperationResult>> start, out bool joined)
    {
        lock (_lock)
        {
            joined = _inFlight is { IsCompleted: false };
            if (!joined)
            {
                _inFlight = start();
            }

            return _inFlight!;
        }
    }

    public Task? InFlight
    {
        get
        {
            lock (_lock)
            {
                return _inFlight is { IsCompleted: false } running ? running : null;
            }
        }
    }

    public AccountRefreshStatus RecordSuccess(DateTimeOffset at)
    {
        lock (_lock)
        {
            return _status = _status with
            {
                RefreshCount = _status.RefreshCount + 1,
                ConsecutiveFailures = 0,
                LastAttempt = at,
                LastAttemptSucceeded = true,
                LastSuccess = at,
                NextAttemptAt = null,
                LastError = null,
            };
        }
    }

    /// <param name="nextAttemptAt">Null when only a new sign-in helps.</param>
    public AccountRefreshStatus RecordFailure(DateTimeOffset at, string error, Func<int, DateTimeOffset?> nextAttemptAt)
    {
        lock (_lock)
        {
            var failures = _status.ConsecutiveFailures + 1;
            return _status = _status with
            {
                RefreshCount = _status.RefreshCount + 1,
                ConsecutiveFailures = failures,
                LastAttempt = at,
                LastAttemptSucceeded = false,
                NextAttemptAt = nextAttemptAt(failures),
                LastError = error,
            };
        }
    }

    /// <summary>Newer tokens were taken from a holder instead of refreshing: the account is fine, nothing reached the provider.</summary>
    public AccountRefreshStatus RecordAdoption(DateTimeOffset at)
    {
        lock (_lock)
        {
            return _status = _status with { AdoptionCount = _status.AdoptionCount + 1, LastAdoption = at, LastError = null };
        }
    }

    /// <summary>
    /// The refresh did not reach the provider because the holders could not be asked first. No
    /// failure and no back-off: the next pass tries again; the reason shows as the last error.
    /// </summary>
    public AccountRefreshStatus RecordDeferred(string reason)
    {
        lock (_lock)
        {
            return _status = _status with { LastError = reason };
        }
    }

    /// <summary>New tokens from a sign-in deserve an attempt at once, not after the old back-off.</summary>
    public void Reset()
    {
        lock (_lock)
        {
            _status = _status with { ConsecutiveFailures = 0, NextAttemptAt = null, LastError = null };
        }
    }
}
