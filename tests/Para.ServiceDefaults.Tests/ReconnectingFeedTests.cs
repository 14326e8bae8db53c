using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;
using Para.ServiceDefaults.Events;

namespace Para.ServiceDefaults.Tests;

public sealed class ReconnectingFeedTests : IDisposable
{
    /// <summary>Only against a hang: every wait in these tests is on the fake clock.</summary>
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(10);

    private readonly TimerRecordingTimeProvider _time = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Channel<FeedConnection> _connections = Channel.CreateUnbounded<FeedConnection>();
    private readonly ConcurrentQueue<(Exception? Failure, TimeSpan Wait)> _losses = new();

    public void Dispose() => _stopping.Dispose();

    [Fact]
    public async Task While_the_feed_keeps_failing_the_wait_doubles_from_1_second_up_to_30()
    {
        var following = Follow((_, _) => throw new IOException("connection refused"));

        var waits = new List<TimeSpan>();
        for (var loss = 0; loss < 8; loss++)
        {
            var wait = await _time.NextTimerAsync();
            waits.Add(wait);
            _time.Advance(wait);
            await NextConnectionAsync();
        }

        Assert.Equal(Seconds(1, 2, 4, 8, 16, 30, 30, 30), waits);
        // The follower reports the wait that is actually taken.
        Assert.Equal(waits, _losses.Take(waits.Count).Select(loss => loss.Wait));
        Assert.All(_losses, loss => Assert.IsType<IOException>(loss.Failure));
        Assert.False(following.IsCompleted);
        await StopAsync(following);
    }

    [Fact]
    public async Task After_a_connection_delivered_something_the_wait_starts_at_1_second_again()
    {
        var connection = 0;
        var following = Follow((feed, _) =>
        {
            if (++connection == 4)
            {
                feed.Delivered();
            }

            throw new IOException("stream reset");
        });

        var waits = new List<TimeSpan>();
        for (var loss = 0; loss < 5; loss++)
        {
            var wait = await _time.NextTimerAsync();
            waits.Add(wait);
            _time.Advance(wait);
        }

        Assert.Equal(Seconds(1, 2, 4, 1, 2), waits);
        await StopAsync(following);
    }

    [Fact]
    public async Task A_feed_that_ends_is_lost_too_and_the_next_connection_is_a_reconnect()
    {
        var following = Follow((_, _) => Task.CompletedTask);

        var first = await NextConnectionAsync();
        _time.Advance(await _time.NextTimerAsync());
        var second = await NextConnectionAsync();

        Assert.False(first.IsReconnect);
        Assert.True(second.IsReconnect);
        var loss = _losses.First();
        Assert.Null(loss.Failure);
        Assert.Equal(TimeSpan.FromSeconds(1), loss.Wait);
        await StopAsync(following);
    }

    [Fact]
    public async Task Stopping_during_the_wait_ends_the_follow_at_once()
    {
        var following = Follow((_, _) => throw new IOException("connection refused"));
        await _time.NextTimerAsync();

        await _stopping.CancelAsync();

        await following.WaitAsync(HangGuard);
        Assert.Single(_losses);
        Assert.Equal(1, _connections.Reader.Count);
    }

    [Fact]
    public async Task Stopping_while_connected_ends_the_follow_without_a_loss_even_if_the_feed_fails_as_it_closes()
    {
        var following = Follow(async (_, cancellationToken) =>
        {
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                throw new IOException("the response ended early");
            }
        });
        await NextConnectionAsync();

        await _stopping.CancelAsync();

        await following.WaitAsync(HangGuard);
        Assert.Empty(_losses);
    }

    [Fact]
    public async Task A_failure_that_is_not_a_loss_ends_the_follow_and_reaches_the_caller()
    {
        var following = Follow((_, _) => throw new InvalidOperationException("bad settings"), isLoss: exception => exception is IOException);

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => following.WaitAsync(HangGuard));

        Assert.Equal("bad settings", failure.Message);
        Assert.Empty(_losses);
        Assert.Equal(1, _connections.Reader.Count);
    }

    [Fact]
    public async Task A_cancellation_that_is_not_the_host_stopping_is_a_loss_when_the_follower_says_so()
    {
        // An HTTP client's timeout surfaces as a cancellation of its own.
        var following = Follow((_, _) => throw new TaskCanceledException("timed out"), isLoss: _ => true);

        _time.Advance(await _time.NextTimerAsync());
        await NextConnectionAsync();
        await NextConnectionAsync();

        Assert.IsType<TaskCanceledException>(_losses.First().Failure);
        await StopAsync(following);
    }

    private Task Follow(Func<FeedConnection, CancellationToken, Task> connect, Func<Exception, bool>? isLoss = null) =>
        ReconnectingFeed.FollowAsync(
            async (feed, cancellationToken) =>
            {
                _connections.Writer.TryWrite(feed);
                await connect(feed, cancellationToken);
            },
            isLoss ?? (exception => exception is IOException),
            (failure, wait) => _losses.Enqueue((failure, wait)),
            _time,
            _stopping.Token);

    private async Task StopAsync(Task following)
    {
        await _stopping.CancelAsync();
        await following.WaitAsync(HangGuard);
    }

    private async Task<FeedConnection> NextConnectionAsync() =>
        await _connections.Reader.ReadAsync().AsTask().WaitAsync(HangGuard);

    private static TimeSpan[] Seconds(params int[] seconds) => [.. seconds.Select(second => TimeSpan.FromSeconds(second))];

    /// <summary>
    /// A fake clock that says when a wait has started and how long it is, so a test moves time
    /// only once the waiter is listening.
    /// </summary>
    private sealed class TimerRecordingTimeProvider : FakeTimeProvider
    {
        private readonly Channel<TimeSpan> _timers = Channel.CreateUnbounded<TimeSpan>();

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = base.CreateTimer(callback, state, dueTime, period);
            _timers.Writer.TryWrite(dueTime);
            return timer;
        }

        public async Task<TimeSpan> NextTimerAsync() => await _timers.Reader.ReadAsync().AsTask().WaitAsync(HangGuard);
    }
}
