using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Para.ContainerAuth.Credentials;
using Para.Contracts.Credentials;
using Para.Contracts.Events;
using Para.ServiceDefaults.Events;

namespace Para.ContainerAuth.Events;

/// <summary>
/// Fans the service's changes (images, containers, jobs) out to every <c>GET /api/events</c>
/// client. Publishing never waits: a slow subscriber loses its oldest events rather than slowing
/// a feed. The helpers below build the events that carry credentials' details, so every publisher
/// says the same thing the same way, and none can put a token in one (they take fingerprints).
/// </summary>
public sealed class ContainerAuthEventHub(IOptions<ContainerAuthOptions> options, TimeProvider timeProvider, IHostApplicationLifetime lifetime)
{
    private readonly EventFanOut<ContainerAuthEvent> _subscribers = new EventFanOut<ContainerAuthEvent>(subscriberBuffer: 1024).ClosedWhen(lifetime.ApplicationStopping);

    public int SubscriberCount => _subscribers.SubscriberCount;

    /// <summary>Stamps the event with the time now (unless it has one) and hands it to every subscriber.</summary>
    public ContainerAuthEvent Publish(ContainerAuthEvent change)
    {
        var stamped = change.Timestamp == default ? change with { Timestamp = timeProvider.GetUtcNow() } : change;
        _subscribers.Publish(stamped);
        return stamped;
    }

    /// <summary>A running container now holds <paramref name="export"/>'s access token.</summary>
    public void ContainerFed(string container, string containerId, CredentialsExport export) =>
        Publish(WithCredentials(new ContainerAuthEvent(ContainerAuthEventTypes.ContainerFed)
        {
            Container = container,
            ContainerId = containerId,
        }, export));

    public void ContainerFeedFailed(string container, string account, string reason) =>
        Publish(new ContainerAuthEvent(ContainerAuthEventTypes.ContainerFeedFailed) { Container = container, Account = account, Message = reason });

    /// <summary>An image of that name now holds <paramref name="export"/>'s credentials; <paramref name="replaced"/> when it had some before.</summary>
    public void ImageAuthenticated(string image, CredentialsExport export, bool replaced) =>
        Publish(WithCredentials(new ContainerAuthEvent(replaced ? ContainerAuthEventTypes.ImageReauthenticated : ContainerAuthEventTypes.ImageAuthenticated)
        {
            Image = image,
        }, export));

    private ContainerAuthEvent WithCredentials(ContainerAuthEvent change, CredentialsExport export)
    {
        var window = options.Value.ExpiringWithin;
        return change with
        {
            Account = export.AccountName,
            Fingerprint = export.Fingerprint,
            ExpiresAt = export.ExpiresAt,
            ExpiringFrom = export.RefreshDueAt ?? export.ExpiresAt - window,
            Status = CredentialLabels.StatusOf(export.ExpiresAt, export.RefreshDueAt, timeProvider.GetUtcNow(), window),
        };
    }

    /// <summary>Registers now (so nothing published after this call is missed) and streams until cancelled.</summary>
    public IAsyncEnumerable<ContainerAuthEvent> Subscribe(CancellationToken cancellationToken) => _subscribers.Subscribe(cancellationToken);
}
