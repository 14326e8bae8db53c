using System.Net.Http;
using Microsoft.Extensions.Time.Testing;
using Para.Tui.Tests.Fakes;
using Para.Tui.ViewModels;

namespace Para.Tui.Tests.ViewModels;

public sealed class EventStreamLoopTests
{
    private static readonly TimeSpan Enough = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_broken_stream_is_retried_after_a_delay_that_doubles_up_to_the_limit()
    {
        var data = Fixtures.World();
        data.Failures["WatchEvents"] = new HttpRequestException("Connection refused (127.0.0.1:5000)");
        var time = new FakeTimeProvider(Fixtures.Now);
        var model = new ConsoleViewModel(data, time, new ConsoleOptions { ReconnectDelay = TimeSpan.FromSeconds(5), MaxReconnectDelay = TimeSpan.FromSeconds(20) });
        using var stopping = new CancellationTokenSource();
        await using var updates = model.FollowEventsAsync(stopping.Token).GetAsyncEnumerator(stopping.Token);

        Assert.True(await updates.MoveNextAsync().AsTask().WaitAsync(Enough));
        updates.Current.Apply();
        Assert.Equal("events: polling", model.EventStreamState);
        Assert.Equal("cannot reach the service: Connection refused (127.0.0.1:5000)", model.EventStreamError);

        foreach (var seconds in new[] { 5, 10, 20, 20 })
        {
            var attempts = data.CallsTo("WatchEvents");
            var next = updates.MoveNextAsync().AsTask();
            time.Advance(TimeSpan.FromSeconds(seconds) - TimeSpan.FromMilliseconds(1));
            Assert.False(next.IsCompleted, $"reconnected before {seconds} s");
            Assert.Equal(attempts, data.CallsTo("WatchEvents"));

            time.Advance(TimeSpan.FromMilliseconds(1));
            Assert.True(await next.WaitAsync(Enough));
            Assert.Equal(attempts + 1, data.CallsTo("WatchEvents"));
        }
    }

    [Fact]
    public async Task A_reconnected_stream_goes_live_and_hands_over_each_event()
    {
        var data = Fixtures.World();
        data.Failures["WatchEvents"] = new HttpRequestException("Connection refused (127.0.0.1:5000)");
        var time = new FakeTimeProvider(Fixtures.Now);
        var model = new ConsoleViewModel(data, time, new ConsoleOptions());
        using var stopping = new CancellationTokenSource();
        await using var updates = model.FollowEventsAsync(stopping.Token).GetAsyncEnumerator(stopping.Token);
        Assert.True(await updates.MoveNextAsync().AsTask().WaitAsync(Enough));
        updates.Current.Apply();

        data.Failures.TryRemove("WatchEvents", out _);
        var next = updates.MoveNextAsync().AsTask();
        time.Advance(new ConsoleOptions().ReconnectDelay);
        data.Publish(new ConsoleEvent(Fixtures.Now, "accounts", "refreshed", "work"));

        Assert.True(await next.WaitAsync(Enough));
        updates.Current.Apply();
        Assert.Null(updates.Current.Event);
        Assert.Equal("events: live", model.EventStreamState);
        Assert.Null(model.EventStreamError);

        Assert.True(await updates.MoveNextAsync().AsTask().WaitAsync(Enough));
        updates.Current.Apply();
        Assert.Equal("work", updates.Current.Event?.Subject);
        Assert.Equal(1, model.EventsSeen);

        stopping.Cancel();
        Assert.False(await updates.MoveNextAsync().AsTask().WaitAsync(Enough));
    }
}
