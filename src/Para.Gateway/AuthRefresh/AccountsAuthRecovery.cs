using System.Globalization;
using Microsoft.Extensions.Logging;
using Para.Client;

namespace Para.Gateway.AuthRefresh;

/// <summary>
/// Recovery through the account API's refresh endpoint in recovery mode (<c>?refused=&amp;callStartedAt=</c>):
/// it refreshes on the account's single flight, or says a refresh since the call already did. The
/// gateway's cached token for the account is dropped either way, so the retry asks for the new one.
/// </summary>
internal sealed class AccountsAuthRecovery(IAccountsApi accounts, Tokens.UpstreamCredentials credentials, ILogger<AccountsAuthRecovery> logger) : IAuthRecovery
{
    public async ValueTask<bool> TryRecoverAsync(string accountId, string? refusedFingerprint, DateTimeOffset callStartedAt, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await accounts.RecoverAuthenticationAsync(accountId, refusedFingerprint, callStartedAt.ToString("O", CultureInfo.InvariantCulture), cancellationToken);
            credentials.Forget(accountId);
            return response.IsSuccessStatusCode && response.Content is { Result.Success: true };
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException or Polly.Timeout.TimeoutRejectedException && !cancellationToken.IsCancellationRequested)
        {
            AuthRefreshLog.RecoveryUnavailable(logger, accountId, exception.GetType().Name);
            return false;
        }
    }
}
