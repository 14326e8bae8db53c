using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Para.Contracts.Events;

namespace Para.Accounts.Events;

/// <summary>
/// Fans account changes out to every subscriber: the SSE stream's clients and, in this process,
/// whatever caches tokens. A slow subscriber loses its oldest events rather than slowing writers.
/// </summary>
internal sealed class AccountEventHub(TimeProvider timeProvider)
{
    private const int SubscriberBuffer = 256;
    private readonly ConcurrentDictionary<Channel<AccountEvent>, byte> _subscribers = new();

    /// <summary>Raised synchronously for in-process caches (the token manager) before subscribers hear it.</summary>
    public event Action<AccountEvent>? Published;

    public AccountEvent Publish(string type, string accountId, string accountName)
    {
        var accountEvent = new AccountEvent(type, accountId, accountName, timeProvider.GetUtcNow());
        Published?.Invoke(accountEvent);
        foreach (var subscriber in _subscribers.Keys)
        {
            subscriber.Writer.TryWrite(accountEvent);
        }

        return accountEvent;
    }

    /// <summary>Registers now (so nothing published after this call is missed) and streams until cancelled.</summary>
    public IAsyncEnumerable<AccountEvent> Subscribe(CancellationToken cancellationToken)
    {
        var channel = Channel.CreateBounded<AccountEvent>(new BoundedChannelOptions(SubscriberBuffer)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
        });
        _subscribers.TryAdd(channel, 0);
        return ReadAsync(channel, cancellationToken);
    }

    private async IAsyncEnumerable<AccountEvent> ReadAsync(Channel<AccountEvent> channel, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var accountEvent in channel.Reader.ReadAllAsync(cancellationToken))
            {
                yield return accountEvent;
            }
        }
        finally
        {
            _subscribers.TryRemove(channel, out _);
        }
    }

    public int SubscriberCount => _subscribers.Count;
}
