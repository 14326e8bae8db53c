using Microsoft.Extensions.Logging;
using Para.Accounts.Storage;
using Para.Accounts.Tokens;
using Para.Contracts.Credentials;

namespace Para.Accounts.AuthRefresh;

/// <summary>
/// A call the provider refused with an authentication error, as the gateway reports it: when the
/// call started and, when known, the fingerprint of the token it was refused with.
/// </summary>
internal sealed record AuthFailure(string AccountId, DateTimeOffset? CallStartedAt, string? RefusedFingerprint);

/// <summary>
/// Decides, for the gateway's refresh manager, whether a refused call is worth running again: yes
/// when the account already holds another token than the refused one (or was refreshed after the
/// call started, when no fingerprint is given), or when a refresh now works. The refresh itself,
/// its cooldown, failure limit and counting are the token manager's, per account.
/// </summary>
/// <remarks>
/// The fingerprint is the better question: it needs no clock shared between the gateway and this
/// service, and a token that changed for any reason (a refresh, an adoption, a new sign-in) counts.
/// </remarks>
internal sealed class AuthRefresher(TokenManager tokens, AccountStore store, ILogger<AuthRefresher> logger)
{
    /// <summary>After an authentication failure: true when the call should run once more.</summary>
    public async ValueTask<bool> TryRecoverAsync(AuthFailure failure, CancellationToken cancellationToken)
    {
        var accountId = failure.AccountId;
        var before = tokens.RefreshStatusOf(accountId);
        if (ReplacedSince(failure, before))
        {
            AuthRefreshLog.RefreshedMeanwhile(logger, before.LastSuccess ?? DateTimeOffset.MinValue, accountId);
            return true;
        }

        var outcome = await tokens.RefreshAsync(accountId, RefreshTrigger.Recovery, cancellationToken);
        switch (outcome.Refusal)
        {
            case RefreshRefusal.TooManyFailures:
                AuthRefreshLog.TooManyConsecutiveFailures(logger, before.ConsecutiveFailures, tokens.MaxConsecutiveFailures, accountId);
                return false;
            case RefreshRefusal.CoolingDown or RefreshRefusal.BackingOff:
                // A refresh that succeeded inside the cooldown, after the refused call, already replaced its credentials.
                var now = tokens.RefreshStatusOf(accountId);
                if (ReplacedSince(failure, now))
                {
                    AuthRefreshLog.RefreshedMeanwhile(logger, now.LastSuccess ?? DateTimeOffset.MinValue, accountId);
                    return true;
                }

                AuthRefreshLog.CooldownActive(logger, now.LastAttempt ?? DateTimeOffset.MinValue, tokens.MillisecondsUntil(outcome.RetryAt), accountId);
                return false;
            default:
                return outcome.Succeeded;
        }
    }

    private bool ReplacedSince(AuthFailure failure, AccountRefreshStatus status)
    {
        if (failure.RefusedFingerprint is { Length: > 0 } refused)
        {
            return store.Find(failure.AccountId) is { RequiresReauth: false, Tokens.AccessToken: { Length: > 0 } current }
                && !string.Equals(TokenFingerprint.Of(current), refused, StringComparison.Ordinal);
        }

        return failure.CallStartedAt is { } startedAt && status.LastSuccess is { } refreshed && refreshed >= startedAt;
    }
}
