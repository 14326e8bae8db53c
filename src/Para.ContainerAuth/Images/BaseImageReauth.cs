using Microsoft.Extensions.Options;
using Para.ContainerAuth.Docker;
using Para.ContainerAuth.Jobs;
using Para.Contracts.ContainerAuth;

namespace Para.ContainerAuth.Images;

/// <summary>
/// <c>auth reauth</c>: fresh credentials into a new authenticated image. Containers started from the
/// old image keep running on it; they are listed, and removed only when asked. The old image goes once unused.
/// </summary>
public sealed class BaseImageReauth(DockerEngine engine, BaseImageSetup setup, TemporaryContainers temporaries, IOptions<ContainerAuthOptions> options)
{
    private ContainerAuthOptions Options => options.Value;

    public async Task<ImageResult> ReauthAsync(string account, bool removeContainers, Job job, CancellationToken cancellationToken)
    {
        var old = await engine.FindImageAsync(Options.AuthenticatedImage, cancellationToken);
        var users = old is null ? [] : (await engine.ListContainersAsync(includeStopped: true, cancellationToken))
            .Where(container => container.ImageId == old.Id)
            .Select(container => container.Name)
            .Where(name => !temporaries.IsTemporary(name))
            .ToArray();
        job.Report("old-image", 0.05, old is null ? "no previous authenticated image" : $"{users.Length} container(s) use the old image");

        var result = await setup.SetupAsync(account, Options.BaseImage, job, cancellationToken);
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
