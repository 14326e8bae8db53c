using Microsoft.Extensions.Options;
using Para.ContainerAuth.Credentials;
using Para.ContainerAuth.Docker;
using Para.Contracts.ContainerAuth;

namespace Para.ContainerAuth.Images;

/// <summary>
/// Para's images on the engine, and which of them Para manages: the ones it wrote (label
/// <c>para.managed</c>, also inherited by images built on an authenticated one), the ones it built
/// (<c>para.repo</c>), and the ones it authenticated before (named by an authenticated image's
/// <c>para.source-image</c>). Other <c>para-*</c> images are the user's; Para touches them only when named.
/// </summary>
public sealed class ImageCatalog(DockerEngine engine, TemporaryContainers temporaries, Credentials.ICredentialSource credentials, IOptions<ContainerAuthOptions> options, TimeProvider timeProvider)
{
    private ContainerAuthOptions Options => options.Value;

    public async Task<IReadOnlyList<ImageSummary>> ListImagesAsync(CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        var images = await FindAllAsync(cancellationToken);
        // One question per account, not per image.
        var current = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var account in images.Select(entry => CredentialLabels.Read(entry.Image.Labels, CredentialLabels.Account)).OfType<string>().Distinct(StringComparer.OrdinalIgnoreCase))
        {
            current[account] = await credentials.CurrentFingerprintAsync(account, cancellationToken);
        }

        return images.Select(entry =>
        {
            var (tag, image) = entry;
            var expiresAt = CredentialLabels.ReadTime(image.Labels, CredentialLabels.ExpiresAt);
            var account = CredentialLabels.Read(image.Labels, CredentialLabels.Account);
            var fingerprint = CredentialLabels.Read(image.Labels, CredentialLabels.Fingerprint);
            bool? stale = account is not null && fingerprint is not null && current.GetValueOrDefault(account) is { } latest ? latest != fingerprint : null;
            return new ImageSummary(tag, image.Id, image.Created, CredentialLabels.StatusOf(image.Labels, now, Options.ExpiringWithin),
                account, CredentialLabels.ReadTime(image.Labels, CredentialLabels.AuthenticatedAt),
                expiresAt, fingerprint,
                CredentialLabels.Read(image.Labels, CredentialLabels.RefreshToken), stale,
                CredentialLabels.ReadTime(image.Labels, CredentialLabels.RefreshDueAt) ?? expiresAt - Options.ExpiringWithin);
        }).ToArray();
    }

    /// <summary>Custom images (neither the base nor authenticated), split into the ones Para manages and the rest.</summary>
    public async Task<(IReadOnlyList<string> Managed, IReadOnlyList<string> Unmanaged)> ListCustomImagesAsync(CancellationToken cancellationToken)
    {
        var all = await FindAllAsync(cancellationToken);
        var authenticatedSources = all
            .Where(entry => ImageNames.IsAuthenticated(entry.Tag, Options) && IsWrittenByPara(entry.Image))
            .Select(entry => CredentialLabels.Read(entry.Image.Labels, CredentialLabels.SourceImage))
            .OfType<string>()
            .Select(ImageNames.Normalize)
            .ToHashSet(StringComparer.Ordinal);
        var custom = all
            .Where(entry => !string.Equals(entry.Tag, ImageNames.Normalize(Options.BaseImage), StringComparison.Ordinal))
            .Where(entry => !ImageNames.IsAuthenticated(entry.Tag, Options))
            .ToArray();
        bool IsManaged((string Tag, EngineImage Image) entry) =>
            IsWrittenByPara(entry.Image) || entry.Image.Labels.ContainsKey(CustomImageBuilder.RepoLabel) || authenticatedSources.Contains(entry.Tag);
        return (custom.Where(IsManaged).Select(entry => entry.Tag).ToArray(),
            custom.Where(entry => !IsManaged(entry)).Select(entry => entry.Tag).ToArray());
    }

    /// <summary>Authenticated images Para wrote (what a full cleanup removes); a look-alike name without Para's label stays.</summary>
    public async Task<IReadOnlyList<string>> ListAuthenticatedImagesAsync(CancellationToken cancellationToken) =>
        (await FindAllAsync(cancellationToken))
            .Where(entry => ImageNames.IsAuthenticated(entry.Tag, Options) && IsWrittenByPara(entry.Image))
            .Select(entry => entry.Tag)
            .ToArray();

    private static bool IsWrittenByPara(EngineImage image) =>
        image.Labels.TryGetValue(CredentialLabels.Managed, out var managed) && managed == "true";

    /// <summary>Every tag under the prefix with its image, temporaries left out.</summary>
    private async Task<IReadOnlyList<(string Tag, EngineImage Image)>> FindAllAsync(CancellationToken cancellationToken)
    {
        var found = new List<(string, EngineImage)>();
        foreach (var tag in await engine.ListImageTagsAsync(Options.NamePrefix, cancellationToken))
        {
            if (!temporaries.IsTemporary(tag) && await engine.FindImageAsync(tag, cancellationToken) is { } image)
            {
                found.Add((tag, image));
            }
        }

        return found;
    }
}
