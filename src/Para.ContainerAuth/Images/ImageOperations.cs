using System.Formats.Tar;
using Microsoft.Extensions.Options;
using Para.ContainerAuth.Credentials;
using Para.ContainerAuth.Docker;
using Para.ContainerAuth.Jobs;
using Para.Contracts.ContainerAuth;
using Para.Contracts.Credentials;

namespace Para.ContainerAuth.Images;

/// <summary>The seed's image workflows: setup, reauth, cleanup, custom builds and authentication, status.</summary>
public sealed class ImageOperations(
    DockerEngine engine,
    ImageAuthenticator authenticator,
    ICredentialSource credentialSource,
    IOptions<ContainerAuthOptions> options,
    TimeProvider timeProvider)
{
    public const string CustomDockerfile = ".para/Dockerfile.custom";

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

    public async Task<IReadOnlyList<ImageSummary>> ListImagesAsync(CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        var summaries = new List<ImageSummary>();
        foreach (var tag in await engine.ListImageTagsAsync(Options.NamePrefix, cancellationToken))
        {
            if (await engine.FindImageAsync(tag, cancellationToken) is not { } image)
            {
                continue;
            }

            var expiresAt = CredentialLabels.ReadTime(image.Labels, CredentialLabels.ExpiresAt);
            summaries.Add(new ImageSummary(tag, image.Id, image.Created, CredentialLabels.StatusOf(image.Labels, now, Options.ExpiringWithin),
                CredentialLabels.Read(image.Labels, CredentialLabels.Account), CredentialLabels.ReadTime(image.Labels, CredentialLabels.AuthenticatedAt),
                expiresAt, CredentialLabels.Read(image.Labels, CredentialLabels.Fingerprint),
                CredentialLabels.Read(image.Labels, CredentialLabels.RefreshToken)));
        }

        return summaries;
    }

    /// <summary>The account a request means: the one named, else the one in the authenticated image, else the default.</summary>
    public async Task<string> ResolveAccountAsync(string? requested, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrWhiteSpace(requested))
        {
            return requested;
        }

        var authenticated = await engine.FindImageAsync(Options.AuthenticatedImage, cancellationToken);
        return (authenticated is null ? null : CredentialLabels.Read(authenticated.Labels, CredentialLabels.Account))
            ?? Options.DefaultAccount
            ?? throw new ArgumentException(
                $"No account given, {Options.AuthenticatedImage} names none and Para:ContainerAuth:DefaultAccount is not set.");
    }

    /// <summary><c>auth setup</c> and the first half of <c>auth reauth</c>.</summary>
    public async Task<ImageResult> SetupAsync(string account, string baseImage, Job job, CancellationToken cancellationToken)
    {
        job.Report("credentials", 0.1, $"asking the account API for {account}");
        var credentials = await credentialSource.GetAsync(account, cancellationToken);
        var id = await AuthenticateWithStepsAsync(baseImage, Options.AuthenticatedImage, credentials, job, 0.2, 0.9, cancellationToken);
        return new ImageResult(Options.AuthenticatedImage, id, credentials.AccountName, credentials.ExpiresAt, [], []);
    }

    /// <summary>
    /// Fresh credentials into a new authenticated image. Containers started from the old image keep
    /// running on it; they are listed, and removed only when asked. The old image goes once unused.
    /// </summary>
    public async Task<ImageResult> ReauthAsync(string account, bool removeContainers, Job job, CancellationToken cancellationToken)
    {
        var old = await engine.FindImageAsync(Options.AuthenticatedImage, cancellationToken);
        var users = old is null ? [] : (await engine.ListContainersAsync(includeStopped: true, cancellationToken))
            .Where(container => container.ImageId == old.Id)
            .Select(container => container.Name)
            .Where(name => !name.StartsWith(authenticator.TemporaryPrefix, StringComparison.Ordinal))
            .ToArray();
        job.Report("old-image", 0.05, old is null ? "no previous authenticated image" : $"{users.Length} container(s) use the old image");

        var result = await SetupAsync(account, Options.BaseImage, job, cancellationToken);
        var removed = new List<string>();
        if (removeContainers)
        {
            foreach (var name in users)
            {
                await engine.RemoveContainerAsync(name, cancellationToken);
                removed.Add(name);
            }

            job.Report("remove-containers", 0.95, $"removed {removed.Count} container(s)");
        }

        if (old is not null && old.Id != result.Id && (users.Length == 0 || removeContainers))
        {
            await TryRemoveImageAsync(old.Id, cancellationToken);
            job.Report("remove-old-image", 0.97, "old authenticated image removed unless still in use");
        }

        return result with { ContainersFromOldImage = users, RemovedContainers = removed };
    }

    /// <summary><c>images authenticate</c>: the authenticated base's credentials (or an account's) into <c>&lt;name&gt;-authenticated:latest</c>.</summary>
    public async Task<ImageResult> AuthenticateImageAsync(string image, string? account, Job job, CancellationToken cancellationToken)
    {
        var target = ImageNames.AuthenticatedNameFor(image, Options);
        CredentialsExport credentials;
        if (string.IsNullOrWhiteSpace(account))
        {
            job.Report("credentials", 0.1, $"reading the credentials of {Options.AuthenticatedImage}");
            credentials = await authenticator.ReadCredentialsAsync(Options.AuthenticatedImage, cancellationToken);
        }
        else
        {
            job.Report("credentials", 0.1, $"asking the account API for {account}");
            credentials = await credentialSource.GetAsync(account, cancellationToken);
        }

        var id = await AuthenticateWithStepsAsync(image, target, credentials, job, 0.2, 0.95, cancellationToken);
        return new ImageResult(target, id, credentials.AccountName, credentials.ExpiresAt, [], []);
    }

    /// <summary>Authenticates one image with credentials already fetched (reauth-all shares one fetch).</summary>
    public Task<string> AuthenticateImageAsync(string image, CredentialsExport credentials, CancellationToken cancellationToken) =>
        authenticator.AuthenticateAsync(image, ImageNames.AuthenticatedNameFor(image, Options), credentials, (_, _) => { }, cancellationToken);

    /// <summary><c>images build</c>: <c>para-&lt;repo&gt;:latest</c> from <c>&lt;repo&gt;/.para/Dockerfile.custom</c>, log lines as job steps.</summary>
    public async Task<string> BuildCustomImageAsync(string repoPath, Job job, CancellationToken cancellationToken)
    {
        var image = ImageNames.CustomImageFor(repoPath, Options);
        await using var context = CreateBuildContext(repoPath);
        job.Report("context", 0.1, $"{context.Length / 1024} KiB of build context from {repoPath}");
        var lines = 0;
        await engine.BuildImageAsync(context, CustomDockerfile, image, new Dictionary<string, string> { ["para.repo"] = repoPath },
            line => job.Report("build", Math.Min(0.9, 0.1 + (++lines * 0.02)), line), cancellationToken);
        return image;
    }

    /// <summary>The repository as a tar build context, without <c>.git</c>.</summary>
    public static MemoryStream CreateBuildContext(string repoPath)
    {
        var root = Path.GetFullPath(repoPath);
        if (!File.Exists(Path.Combine(root, CustomDockerfile)))
        {
            throw new ArgumentException($"{Path.Combine(root, CustomDockerfile)} does not exist.");
        }

        var stream = new MemoryStream();
        using (var writer = new TarWriter(stream, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var file in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories))
            {
                var relative = Path.GetRelativePath(root, file).Replace(Path.DirectorySeparatorChar, '/');
                if (relative == ".git" || relative.StartsWith(".git/", StringComparison.Ordinal))
                {
                    continue;
                }

                writer.WriteEntry(file, relative);
            }
        }

        stream.Position = 0;
        return stream;
    }

    /// <summary>Custom images reauth-all covers: Para's images that are neither the base nor authenticated.</summary>
    public async Task<IReadOnlyList<string>> ListCustomImagesAsync(CancellationToken cancellationToken) =>
        (await engine.ListImageTagsAsync(Options.NamePrefix, cancellationToken))
            .Where(tag => !string.Equals(tag, ImageNames.Normalize(Options.BaseImage), StringComparison.Ordinal))
            .Where(tag => !ImageNames.IsAuthenticated(tag, Options))
            .Where(tag => !tag.StartsWith($"{Options.NamePrefix}verify-tmp-", StringComparison.Ordinal))
            .ToArray();

    public async Task<CleanupResult> CleanupAsync(bool dryRun, bool temporaryOnly, CancellationToken cancellationToken)
    {
        var images = temporaryOnly ? [] : (await engine.ListImageTagsAsync(Options.NamePrefix, cancellationToken))
            .Where(tag => ImageNames.IsAuthenticated(tag, Options))
            .ToArray();
        var containers = (await engine.ListContainersAsync(includeStopped: true, cancellationToken))
            .Where(container => container.Name.StartsWith(authenticator.TemporaryPrefix, StringComparison.Ordinal)
                || container.Name.StartsWith($"{Options.NamePrefix}verify-tmp-", StringComparison.Ordinal))
            .Select(container => container.Name)
            .ToArray();
        var volumes = temporaryOnly ? [] : await engine.ListVolumesAsync($"{Options.NamePrefix}auth-", cancellationToken);
        if (!dryRun)
        {
            foreach (var container in containers)
            {
                await engine.RemoveContainerAsync(container, cancellationToken);
            }

            foreach (var image in images)
            {
                await engine.RemoveImageAsync(image, cancellationToken);
            }

            foreach (var volume in volumes)
            {
                await engine.RemoveVolumeAsync(volume, cancellationToken);
            }
        }

        return new CleanupResult(dryRun, images, containers, volumes);
    }

    private async Task<string> AuthenticateWithStepsAsync(string source, string target, CredentialsExport credentials, Job job,
        double from, double to, CancellationToken cancellationToken)
    {
        string[] steps = ["create-container", "write-credentials", "commit", "remove-container"];
        return await authenticator.AuthenticateAsync(source, target, credentials,
            (step, message) => job.Report(step, from + ((to - from) * (Array.IndexOf(steps, step) + 1) / steps.Length), message),
            cancellationToken);
    }

    private async Task TryRemoveImageAsync(string image, CancellationToken cancellationToken)
    {
        try
        {
            await engine.RemoveImageAsync(image, cancellationToken, force: false);
        }
        catch (DockerOperationException)
        {
            // Still used by a container or a child image: it stays until cleanup.
        }
    }
}
