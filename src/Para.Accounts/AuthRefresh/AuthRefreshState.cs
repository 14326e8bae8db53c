using Para.Contracts.Health;

namespace Para.Accounts.AuthRefresh;

/// <summary>
/// In-memory state of the refresh system (the seed keeps no persistent state): one writer at a
/// time under a lock, readers get an immutable snapshot.
/// </summary>
internal sealed class AuthRefreshState
{
    private readonly Lock _lock = new();
    private AuthenticationStatus _status = new(IsAuthenticated: true, LastRefresh: null, RefreshCount: 0, ConsecutiveFailures: 0);
    private bool _lastRefreshSucceeded;

    public AuthenticationStatus Current
    {
        get
        {
            lock (_lock)
            {
                return _status;
            }
        }
    }

    /// <summary>When the last attempt ran and whether it worked; null before the first.</summary>
    public (DateTimeOffset At, bool Succeeded)? LastAttempt
    {
        get
        {
            lock (_lock)
            {
                return _status.LastRefresh is { } at ? (at, _lastRefreshSucceeded) : null;
            }
        }
    }

    public AuthenticationStatus RecordSuccess(DateTimeOffset at)
    {
        lock (_lock)
        {
            _lastRefreshSucceeded = true;
            return _status = new AuthenticationStatus(true, at, _status.RefreshCount + 1, 0);
        }
    }

    public AuthenticationStatus RecordFailure(DateTimeOffset at)
    {
        lock (_lock)
        {
            _lastRefreshSucceeded = false;
            return _status = new AuthenticationStatus(false, at, _status.RefreshCount + 1, _status.ConsecutiveFailures + 1);
        }
    }
}
