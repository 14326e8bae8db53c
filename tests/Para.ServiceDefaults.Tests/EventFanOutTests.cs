using Para.ServiceDefaults.Events;

namespace Para.ServiceDefaults.Tests;

public sealed class EventFanOutTests
{
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Closing_ends_every_open_stream_after_the_events_it_already_holds()
    {
        var fanOut = new EventFanOut<int>(subscriberBuffer: 8);
        var first = fanOut.Subscribe(CancellationToken.None);
        var second = fanOut.Subscribe(CancellationToken.None);
        fanOut.Publish(1);
        fanOut.Publish(2);

        fanOut.Close();

        Assert.Equal([1, 2], await first.ToListAsync().AsTask().WaitAsync(HangGuard));
        Assert.Equal([1, 2], await second.ToListAsync().AsTask().WaitAsync(HangGuard));
        Assert.Equal(0, fanOut.SubscriberCount);
    }

    [Fact]
    public async Task A_subscription_after_closing_ends_at_once_and_hears_nothing_later()
    {
        using var stopping = new CancellationTokenSource();
        var fanOut = new EventFanOut<int>(subscriberBuffer: 8).ClosedWhen(stopping.Token);

        await stopping.CancelAsync();
        var late = fanOut.Subscribe(CancellationToken.None);
        fanOut.Publish(3);

        Assert.Empty(await late.ToListAsync().AsTask().WaitAsync(HangGuard));
        Assert.Equal(0, fanOut.SubscriberCount);
    }
}
