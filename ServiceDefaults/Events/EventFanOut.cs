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

    public int SubscriberCount => _subscribers.Count;

    public void Publish(TEvent change)
    {
        foreach (var subscriber in _subscribers.Keys)
        {
            subscriber.Writer.TryWrite(change);
        }
    }

    /// <summary>Registers now (so nothing published after this call is missed) and streams until cancelled.</summary>
    public IAsyncEnumerable<TEvent> Subscribe(CancellationToken cancellationToken)
    {
        var channel = Channel.CreateBounded<TEvent>(new BoundedChannelOptions(subscriberBuffer)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
        });
        _subscribers.TryAdd(channel, 0);
        return ReadAsync(channel, cancellationToken);
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
