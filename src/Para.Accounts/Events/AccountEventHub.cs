using Microsoft.Extensions.Hosting;
using Para.Contracts.Events;
using Para.ServiceDefaults.Events;

namespace Para.Accounts.Events;

/// <summary>
/// Fans account changes out to every subscriber: the SSE stream's clients and, in this process,
/// whatever caches tokens. A slow subscriber loses its oldest events rather than slowing writers.
/// </summary>
internal sealed class AccountEventHub(TimeProvider timeProvider, IHostApplicationLifetime lifetime)
{
    private readonly EventFanOut<AccountEvent> _subscribers = new EventFanOut<AccountEvent>(subscriberBuffer: 256).ClosedWhen(lifetime.ApplicationStopping);

    /// <summary>Raised synchronously for in-process caches (the token manager) before subscribers hear it.</summary>
    public event Action<AccountEvent>? Published;

    public AccountEvent Publish(string type, string accountId, string accountName)
    {
        var accountEvent = new AccountEvent(type, accountId, accountName, timeProvider.GetUtcNow());
        Published?.Invoke(accountEvent);
        _subscribers.Publish(accountEvent);

        return accountEvent;
    }

    /// <summary>Registers now (so nothing published after this call is missed) and streams until cancelled.</summary>
    public IAsyncEnumerable<AccountEvent> Subscribe(CancellationToken cancellationToken) => _subscribers.Subscribe(cancellationToken);

    public int SubscriberCount => _subscribers.SubscriberCount;
}
