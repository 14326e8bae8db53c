using Microsoft.Extensions.Options;
using Para.ContainerAuth.Credentials;
using Para.ContainerAuth.Docker;

namespace Para.ContainerAuth.Images;

/// <summary>Which account a request means, when it names none.</summary>
public sealed class AccountResolver(DockerEngine engine, IOptions<ContainerAuthOptions> options)
{
    private ContainerAuthOptions Options => options.Value;

    /// <summary>The one named, else the one the authenticated base's label names, else the configured default.</summary>
    public async Task<string> ResolveAsync(string? requested, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrWhiteSpace(requested))
        {
            return requested;
        }

        var authenticated = await engine.FindImageAsync(Options.AuthenticatedImage, cancellationToken);
        return (authenticated is null ? null : CredentialLabels.Read(authenticated.Labels, CredentialLabels.Account))
            ?? Options.DefaultAccount
            ?? throw new ArgumentException(
                $"No account given, {Options.AuthenticatedImage} names none and Para:ContainerAuth:DefaultAccount is not set; name one with --account.");
    }
}
