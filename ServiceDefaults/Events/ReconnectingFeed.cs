using Polly;
using Polly.Retry;

namespace Para.ServiceDefaults.Events;

/// <summary>
/// Follows a feed (another service's change feed, the engine's events) for as long as the host
/// runs. When the feed is lost it waits 1 s and connects again, doubling the wait after each
/// connection that delivered nothing, up to 30 s; a connection that delivered something was
/// progress, so the wait after it starts at 1 s again. A Polly retry with no attempt limit does
/// the waiting, on the given <see cref="TimeProvider"/>.
/// </summary>
public static class ReconnectingFeed
{
    public static readonly TimeSpan FirstDelay = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Runs <paramref name="follow"/> again after every loss until <paramref name="stoppingToken"/>
    /// is cancelled, then returns.
    /// </summary>
    /// <param name="follow">
    /// Connects and reads until the feed ends or fails, calling <see cref="FeedConnection.Delivered"/>
    /// for each item it received. The feed ending counts as a loss.
    /// </param>
    /// <param name="isLoss">
    /// Whether a failure of <paramref name="follow"/> means the feed was lost (so reconnect). Any
    /// other exception ends the follow and is thrown to the caller.
    /// </param>
    /// <param name="onLost">
    /// Called after each loss, before the wait: the failure (null when the feed just ended) and how
    /// long the wait is.
    /// </param>
    public static async Task FollowAsync(
        Func<FeedConnection, CancellationToken, Task> follow,
        Func<Exception, bool> isLoss,
        Action<Exception?, TimeSpan> onLost,
        TimeProvider timeProvider,
        CancellationToken stoppingToken)
    {
        var backoff = new Backoff();
        var connections = 0;
        var pipeline = new ResiliencePipelineBuilder<FeedEnded> { TimeProvider = timeProvider }
            .AddRetry(new RetryStrategyOptions<FeedEnded>
            {
                // A feed is followed for the host's lifetime: int.MaxValue is Polly's "no limit".
                MaxRetryAttempts = int.MaxValue,
                MaxDelay = MaxDelay,
                ShouldHandle = arguments => ValueTask.FromResult(arguments.Outcome.Exception switch
                {
                    // Stopping: a feed torn down by the shutdown is not lost, so no wait and no reconnect.
                    _ when arguments.Context.CancellationToken.IsCancellationRequested => false,
                    null => true,
                    var exception => isLoss(exception),
                }),
                // Polly's own exponential backoff counts every attempt; this one restarts after progress.
                DelayGenerator = _ => ValueTask.FromResult<TimeSpan?>(backoff.Next()),
                OnRetry = arguments =>
                {
                    onLost(arguments.Outcome.Exception, arguments.RetryDelay);
                    return ValueTask.CompletedTask;
                },
            })
            .Build();

        try
        {
            await pipeline.ExecuteAsync(
                async cancellationToken =>
                {
                    await follow(new FeedConnection(backoff, isReconnect: connections++ > 0), cancellationToken);
                    return default(FeedEnded);
                },
                stoppingToken);
        }
        catch (Exception exception) when (stoppingToken.IsCancellationRequested && (exception is OperationCanceledException || isLoss(exception)))
        {
            // The host stopped while connected: however the feed reacted to that, following ends quietly.
        }
    }

    /// <summary>What a connection returns when its feed ends without an error (a loss as well).</summary>
    private readonly record struct FeedEnded;

    internal sealed class Backoff
    {
        private TimeSpan _next = FirstDelay;

        public TimeSpan Next()
        {
            var delay = _next;
            _next = delay * 2 < MaxDelay ? delay * 2 : MaxDelay;
            return delay;
        }

        public void Reset() => _next = FirstDelay;
    }
}

/// <summary>One connection to a feed, as <see cref="ReconnectingFeed.FollowAsync"/> hands it to the follower.</summary>
public sealed class FeedConnection
{
    private readonly ReconnectingFeed.Backoff _backoff;

    internal FeedConnection(ReconnectingFeed.Backoff backoff, bool isReconnect)
    {
        _backoff = backoff;
        IsReconnect = isReconnect;
    }

    /// <summary>True for every connection after the first: whatever the feed said meanwhile went unseen.</summary>
    public bool IsReconnect { get; }

    /// <summary>The feed delivered an item: it works, so the wait after its next loss starts at 1 s again.</summary>
    public void Delivered() => _backoff.Reset();
}
