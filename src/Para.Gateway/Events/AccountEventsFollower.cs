using Para.Client;
using Para.Contracts.Events;
using Para.Gateway.Accounts;
using Para.Gateway.Keys;
using Para.Gateway.Tokens;
using Para.ServiceDefaults.Events;

namespace Para.Gateway.Events;

/// <summary>
/// Follows the account API's change feed and drops what it makes stale: an account's token on
/// refresh, re-authentication, reload, removal; the account list on any account change; a key on
/// its revocation. While the feed is away nothing can be trusted to be current, so every cache is
/// dropped when it is lost and again when it is back.
/// </summary>
internal sealed partial class AccountEventsFollower(
    IAccountsApi accounts,
    UpstreamCredentials credentials,
    AccountCatalog catalog,
    GatewayKeys keys,
    Limits.AccountLimitsTracker limits,
    TimeProvider timeProvider,
    ILogger<AccountEventsFollower> logger) : BackgroundService
{
    private volatile bool _connected;

    /// <summary>True while the feed is open (after its <c>connected</c> event).</summary>
    public bool Connected => _connected;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        await ReconnectingFeed.FollowAsync(
            async (feed, cancellationToken) =>
            {
                await foreach (var change in AccountEventStream.ReadAsync(accounts.Client, cancellationToken))
                {
                    feed.Delivered();
                    Apply(change);
                }
            },
            // Whatever broke, the stream or applying an event, nothing cached can be trusted now.
            isLoss: _ => true,
            onLost: (failure, wait) =>
            {
                if (failure is not null)
                {
                    LogFeedLost(logger, failure.GetType().Name, wait.TotalSeconds);
                }

                _connected = false;
                ForgetAll();
            },
            timeProvider,
            stoppingToken);
    }

    internal void Apply(AccountEvent change)
    {
        switch (change.Type)
        {
            case AccountEventTypes.Connected:
                // Whatever changed while the feed was away is unknown.
                ForgetAll();
                _connected = true;
                return;
            case AccountEventTypes.GatewayKeyRevoked:
                keys.Revoked(change.AccountId);
                return;
        }

        if (AccountEventTypes.ChangesTokens(change.Type))
        {
            credentials.Forget(change.AccountId);
            limits.TokenChanged(change.AccountId);
            LogTokenDropped(logger, change.AccountName, change.Type);
        }

        catalog.Forget();
    }

    private void ForgetAll()
    {
        credentials.ForgetAll();
        catalog.Forget();
        keys.ForgetAll();
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Account {Account} {Change}: its cached token is dropped")]
    private static partial void LogTokenDropped(ILogger logger, string account, string change);

    [LoggerMessage(Level = LogLevel.Information, Message = "The account change feed is not available ({ExceptionType}); caches dropped, again in {Seconds} s")]
    private static partial void LogFeedLost(ILogger logger, string exceptionType, double seconds);
}
