using Para.ContainerAuth.Events;
using Para.Contracts.Events;

namespace Para.ContainerAuth.Images;

/// <summary>
/// After an account's tokens changed: each of its images that still holds the old token is
/// announced as stale on the event stream (a container started from it begins with an old token
/// until the next pass feeds it).
/// </summary>
public sealed partial class StaleImages(ImageCatalog catalog, ContainerAuthEventHub events, ILogger<StaleImages> logger)
{
    public async Task PublishAsync(string account, CancellationToken cancellationToken)
    {
        try
        {
            foreach (var image in await catalog.ListImagesAsync(cancellationToken))
            {
                if (image.Stale == true && string.Equals(image.Account, account, StringComparison.OrdinalIgnoreCase))
                {
                    events.Publish(new ContainerAuthEvent(ContainerAuthEventTypes.ImageStale)
                    {
                        Image = image.Name,
                        Account = image.Account,
                        Fingerprint = image.Fingerprint,
                        ExpiresAt = image.ExpiresAt,
                        Status = image.CredentialStatus,
                    });
                }
            }
        }
        catch (Exception exception) when (exception is Docker.DockerUnavailableException or Docker.DockerOperationException)
        {
            // The image list says it next time it is read; the feed itself went ahead.
            LogNotChecked(logger, account, exception.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Images of account {Account} not checked for staleness: {Reason}")]
    private static partial void LogNotChecked(ILogger logger, string account, string reason);
}
