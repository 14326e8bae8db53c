using Microsoft.Extensions.Options;
using Para.ContainerAuth.Credentials;
using Para.ContainerAuth.Docker;
using Para.Contracts.Credentials;

namespace Para.ContainerAuth.Images;

/// <summary>
/// Source image + credentials → authenticated image: a temporary container (never started), the
/// files extracted into it, a commit with labels. The temporary container goes away whatever happens.
/// </summary>
public sealed class ImageAuthenticator(
    DockerEngine engine,
    CredentialWriter writer,
    IOptions<ContainerAuthOptions> options,
    TimeProvider timeProvider)
{
    public string TemporaryPrefix => $"{options.Value.NamePrefix}auth-tmp-";

    public string NewTemporaryName() => $"{TemporaryPrefix}{Guid.NewGuid().ToString("n")[..12]}";

    /// <summary>Returns the new image's id.</summary>
    public async Task<string> AuthenticateAsync(string sourceImage, string targetImage, CredentialsExport credentials,
        Action<string, string> step, CancellationToken cancellationToken)
    {
        var source = await engine.FindImageAsync(sourceImage, cancellationToken)
            ?? throw new DockerOperationException($"Image {sourceImage} does not exist.");

        var labels = CredentialLabels.For(credentials, timeProvider.GetUtcNow());
        labels[CredentialLabels.SourceImage] = sourceImage;
        step("create-container", $"temporary container from {sourceImage}");
        var containerId = await engine.CreateContainerAsync(
            new ContainerSpec(sourceImage, NewTemporaryName(), [], labels),
            cancellationToken);
        try
        {
            step("write-credentials", $"credentials of {credentials.AccountName}");
            var home = await writer.WriteAsync(containerId, source.User, source.Env, credentials, cancellationToken);
            step("commit", $"{targetImage} (files in {home.Home}, uid {home.Uid})");
            var replaced = await engine.FindImageAsync(targetImage, cancellationToken);
            var id = await engine.CommitAsync(containerId, targetImage, cancellationToken);
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

    /// <summary>Reads the credentials an authenticated image carries, to copy them into another image.</summary>
    public async Task<CredentialsExport> ReadCredentialsAsync(string image, CancellationToken cancellationToken)
    {
        var found = await engine.FindImageAsync(image, cancellationToken)
            ?? throw new DockerOperationException($"Image {image} does not exist; run 'para auth setup' first.");
        var containerId = await engine.CreateContainerAsync(
            new ContainerSpec(image, NewTemporaryName(), [],
                new Dictionary<string, string>()), cancellationToken);
        try
        {
            var home = await writer.ResolveHomeAsync(containerId, found.User, found.Env, cancellationToken);
            var credentialsFile = await engine.ReadFileAsync(containerId, home.CredentialsPath, cancellationToken)
                ?? throw new InvalidOperationException($"Image {image} holds no {home.CredentialsPath}.");
            var detailsFile = await engine.ReadFileAsync(containerId, home.AccountDetailsPath, cancellationToken);
            var credentials = System.Text.Json.JsonSerializer.Deserialize<ClaudeCredentialsFile>(credentialsFile.Content)
                ?? throw new InvalidOperationException($"The credentials in {image} cannot be read.");
            var details = detailsFile is null ? null : System.Text.Json.JsonSerializer.Deserialize<ClaudeAccountDetails>(detailsFile.Content);
            return new CredentialsExport(
                CredentialLabels.Read(found.Labels, CredentialLabels.Account) ?? "unknown",
                DateTimeOffset.FromUnixTimeMilliseconds(credentials.ClaudeAiOauth.ExpiresAt),
                CredentialLabels.Read(found.Labels, CredentialLabels.Fingerprint) ?? "unknown",
                credentials,
                details ?? new ClaudeAccountDetails(new ClaudeOAuthAccount("unknown", null, null)));
        }
        finally
        {
            await engine.RemoveContainerAsync(containerId, CancellationToken.None);
        }
    }
}
