using Microsoft.Extensions.Options;
using Para.ContainerAuth.Credentials;
using Para.ContainerAuth.Docker;
using Para.Contracts.ContainerAuth;

namespace Para.ContainerAuth.Images;

/// <summary><c>auth status</c>: the engine, the base and authenticated image, and what the labels say of the credentials.</summary>
public sealed class AuthStatusReader(DockerEngine engine, IOptions<ContainerAuthOptions> options, TimeProvider timeProvider)
{
    private ContainerAuthOptions Options => options.Value;

    public async Task<AuthStatus> GetStatusAsync(CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        EngineVersion version;
        try
        {
            version = await engine.GetVersionAsync(cancellationToken);
        }
        catch (DockerUnavailableException exception)
        {
            // The images are unknown, not missing: clients read EngineReachable first.
            return new AuthStatus(false, null, exception.Message, Options.BaseImage, false, Options.AuthenticatedImage, false,
                null, null, null, null, CredentialStatus.None);
        }

        var baseImage = await engine.FindImageAsync(Options.BaseImage, cancellationToken);
        var authenticated = await engine.FindImageAsync(Options.AuthenticatedImage, cancellationToken);
        var labels = authenticated?.Labels ?? new Dictionary<string, string>();
        var expiresAt = CredentialLabels.ReadTime(labels, CredentialLabels.ExpiresAt);
        return new AuthStatus(true, version.Version, null, Options.BaseImage, baseImage is not null, Options.AuthenticatedImage,
            authenticated is not null, CredentialLabels.Read(labels, CredentialLabels.Account),
            CredentialLabels.ReadTime(labels, CredentialLabels.AuthenticatedAt), expiresAt,
            expiresAt - now, CredentialLabels.StatusOf(labels, now, Options.ExpiringWithin));
    }
}
