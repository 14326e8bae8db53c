using Microsoft.Extensions.Options;
using Para.ContainerAuth.Credentials;
using Para.ContainerAuth.Docker;
using Para.ContainerAuth.Jobs;
using Para.Contracts.Credentials;

namespace Para.ContainerAuth.Images;

/// <summary>
/// Source image + credentials → authenticated image: a temporary container (never started), the
/// files extracted into it, a commit with labels. The temporary container goes away whatever happens.
/// </summary>
public sealed class ImageAuthenticator(
    DockerEngine engine,
    CredentialWriter writer,
    TemporaryContainers temporaries,
    Events.ContainerAuthEventHub events,
    IOptions<ContainerAuthOptions> options,
    TimeProvider timeProvider)
{
    private static readonly string[] Steps = ["create-container", "write-credentials", "commit", "remove-container"];

    /// <summary>Authenticates <paramref name="source"/> as the authenticated image Para names for it.</summary>
    public Task<string> AuthenticateAsync(string source, CredentialsExport credentials, CancellationToken cancellationToken) =>
        AuthenticateAsync(source, ImageNames.AuthenticatedNameFor(source, options.Value), credentials, (_, _) => { }, cancellationToken);

    /// <summary>The same, each step reported on <paramref name="job"/> between <paramref name="from"/> and <paramref name="to"/>.</summary>
    public Task<string> AuthenticateAsync(string source, string target, CredentialsExport credentials, Job job, double from, double to,
        CancellationToken cancellationToken) =>
        AuthenticateAsync(source, target, credentials,
            (step, message) => job.Report(step, from + ((to - from) * (Array.IndexOf(Steps, step) + 1) / Steps.Length), message),
            cancellationToken);

    /// <summary>Returns the new image's id.</summary>
    public async Task<string> AuthenticateAsync(string sourceImage, string targetImage, CredentialsExport credentials,
        Action<string, string> step, CancellationToken cancellationToken)
    {
        var source = await engine.FindImageAsync(sourceImage, cancellationToken)
            ?? throw new DockerOperationException($"Image {sourceImage} does not exist.");

        var labels = CredentialLabels.For(credentials, timeProvider.GetUtcNow());
        labels[CredentialLabels.SourceImage] = sourceImage;
        step("create-container", $"temporary container from {sourceImage}");
        using var temporary = temporaries.ClaimAuthContainer();
        // The source was just inspected: the create need not ask again whether it has a command.
        var containerId = await engine.CreateContainerAsync(new ContainerSpec(sourceImage, temporary.Name, [], labels, ImageHasCommand: source.HasCommand), cancellationToken);
        try
        {
            step("write-credentials", $"credentials of {credentials.AccountName}");
            // The image the commit will replace, asked meanwhile (independent of the write).
            var replacing = engine.FindImageAsync(targetImage, cancellationToken);
            var (home, _) = await writer.WriteAsync(containerId, source.User, source.Env, credentials, cancellationToken);
            step("commit", $"{targetImage} (files in {home.Home}, uid {home.Uid})");
            var replaced = await replacing;
            var id = await engine.CommitAsync(containerId, targetImage, cancellationToken);
            events.ImageAuthenticated(ImageNames.Normalize(targetImage), credentials, replaced: replaced is not null);
            if (replaced is not null && replaced.Id != id)
            {
                await RemoveIfUnusedAsync(replaced.Id);
            }

            return id;
        }
        finally
        {
            // Not the caller's token: a cancelled job must still leave no temporary container.
            await engine.RemoveContainerAsync(containerId, CancellationToken.None);
            step("remove-container", "temporary container removed");
        }
    }

    /// <summary>The image a commit just untagged goes too, unless a container still runs on it.</summary>
    private async Task RemoveIfUnusedAsync(string imageId)
    {
        try
        {
            await engine.RemoveImageAsync(imageId, CancellationToken.None, force: false);
        }
        catch (DockerOperationException)
        {
            // In use (409): cleanup or the next reauth with removeContainers takes it.
        }
    }
}
