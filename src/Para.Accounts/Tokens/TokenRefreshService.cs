using Microsoft.Extensions.Options;
using Para.Accounts.Storage;

namespace Para.Accounts.Tokens;

/// <summary>
/// Refreshes every account whose token enters the safety window, so a healthy account is never
/// seen expired. Runs on the injected clock; an account opts out with <c>autoRefresh: false</c>.
/// </summary>
internal sealed partial class TokenRefreshService(
    AccountStore store,
    TokenManager tokens,
    TimeProvider timeProvider,
    IOptions<TokenManagerOptions> options,
    ILogger<TokenRefreshService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.CheckInterval, timeProvider);
        do
        {
            await RefreshDueAccountsAsync(stoppingToken);
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>One pass: every due account, one after another (each is its own single flight anyway).</summary>
    internal async Task<int> RefreshDueAccountsAsync(CancellationToken cancellationToken)
    {
        var refreshed = 0;
        foreach (var account in store.List())
        {
            if (!account.AutoRefresh || account.RequiresReauth || account.Tokens is not { } current || !tokens.IsDue(current.ExpiresAtMs))
            {
                continue;
            }

            try
            {
                var result = await tokens.RefreshIfDueAsync(account.Id, cancellationToken);
                refreshed += result.Success ? 1 : 0;
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // One account's failure must not stop the others, nor the refresher.
                LogPassFailed(logger, account.Name, exception.GetType().Name);
            }
        }

        return refreshed;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Background refresh of account {AccountName} failed unexpectedly ({ExceptionType})")]
    private static partial void LogPassFailed(ILogger logger, string accountName, string exceptionType);
}
