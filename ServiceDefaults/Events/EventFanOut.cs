using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace Para.ServiceDefaults.Events;

/// <summary>
/// Hands each published event to every subscriber (a service's SSE clients, in-process caches).
/// Publishing never waits: each subscriber has its own bounded buffer, and a slow one loses its
/// oldest events rather than slowing the writer or another subscriber. An event is a hint to
/// re-read, never the only copy of a fact (docs/decisions/0013).
/// </summary>
public sealed class EventFanOut<TEvent>(int subscriberBuffer)
{
    private readonly ConcurrentDictionary<Channel<TEvent>, byte> _subscribers = new();
    private volatile bool _closed;

    public int SubscriberCount => _subscribers.Count;

    public void Publish(TEvent change)
    {
        foreach (var subscriber in _subscribers.Keys)
        {
            subscriber.Writer.TryWrite(change);
        }
    }

    /// <summary>Registers now (so nothing published after this call is missed) and streams until cancelled or closed.</summary>
    public IAsyncEnumerable<TEvent> Subscribe(CancellationToken cancellationToken)
    {
        var channel = Channel.CreateBounded<TEvent>(new BoundedChannelOptions(subscriberBuffer)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
        });
        _subscribers.TryAdd(channel, 0);
        if (_closed)
        {
            // Checked after adding, so a subscription racing Close is completed by one or the other.
            channel.Writer.TryComplete();
        }

        return ReadAsync(channel, cancellationToken);
    }

    /// <summary>
    /// The service is stopping: every stream ends after what it holds, and later subscriptions end
    /// at once. An SSE request that never ends would hold the host's shutdown for its whole timeout.
    /// </summary>
    public void Close()
    {
        _closed = true;
        foreach (var subscriber in _subscribers.Keys)
        {
            subscriber.Writer.TryComplete();
        }
    }

    /// <summary>Closes this fan-out when <paramref name="stopping"/> fires (a host's ApplicationStopping).</summary>
    public EventFanOut<TEvent> ClosedWhen(CancellationToken stopping)
    {
        stopping.Register(Close);
        return this;
    }

    private async IAsyncEnumerable<TEvent> ReadAsync(Channel<TEvent> channel, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var change in channel.Reader.ReadAllAsync(cancellationToken))
            {
                yield return change;
            }
        }
        finally
        {
            _subscribers.TryRemove(channel, out _);
        }
    }
}
