using Microsoft.Extensions.Logging;
using Para.Accounts.Tokens;

namespace Para.Accounts.AuthRefresh;

/// <summary>A call the provider refused with an authentication error (the gateway reports it), and when that call started.</summary>
internal sealed record AuthFailure(string? AccountId, DateTimeOffset CallStartedAt);

/// <summary>
/// Decides, for the gateway's refresh manager, whether a failed call is worth running again: yes when the account's tokens were
/// refreshed after the call started, or when a refresh now works. The refresh itself, its
/// cooldown, failure limit and counting are the token manager's, per account.
/// </summary>
internal sealed class AuthRefresher(TokenManager tokens, ILogger<AuthRefresher> logger)
{
    /// <summary>After an authentication failure: true when the call should run once more.</summary>
    public async ValueTask<bool> TryRecoverAsync(AuthFailure failure, CancellationToken cancellationToken)
    {
        if (failure.AccountId is not { } accountId)
        {
            // Without an account there is no token to refresh; the call's failure stands.
            return false;
        }

        var before = tokens.RefreshStatusOf(accountId);
        if (before.LastSuccess is { } refreshed && refreshed >= failure.CallStartedAt)
        {
            AuthRefreshLog.RefreshedMeanwhile(logger, refreshed, accountId);
            return true;
        }

        var outcome = await tokens.RefreshAsync(accountId, RefreshTrigger.Recovery, cancellationToken);
        switch (outcome.Refusal)
        {
            case RefreshRefusal.TooManyFailures:
                AuthRefreshLog.TooManyConsecutiveFailures(logger, before.ConsecutiveFailures, tokens.MaxConsecutiveFailures, accountId);
                return false;
            case RefreshRefusal.CoolingDown or RefreshRefusal.BackingOff:
                // A refresh that succeeded inside the cooldown and after the call started already replaced its credentials.
                var now = tokens.RefreshStatusOf(accountId);
                if (now.LastSuccess is { } meanwhile && meanwhile >= failure.CallStartedAt)
                {
                    AuthRefreshLog.RefreshedMeanwhile(logger, meanwhile, accountId);
                    return true;
                }

                AuthRefreshLog.CooldownActive(logger, now.LastAttempt ?? DateTimeOffset.MinValue, tokens.MillisecondsUntil(outcome.RetryAt), accountId);
                return false;
            default:
                return outcome.Succeeded;
        }
    }
}
