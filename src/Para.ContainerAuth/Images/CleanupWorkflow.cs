using Microsoft.Extensions.Options;
using Para.ContainerAuth.Docker;
using Para.Contracts.ContainerAuth;

namespace Para.ContainerAuth.Images;

/// <summary>
/// <c>auth cleanup</c>: one plan, listed by the dry run and carried out by the real run. Temporary
/// containers (and verify's temporary images) of jobs still running are never part of it.
/// </summary>
public sealed class CleanupWorkflow(
    DockerEngine engine,
    ImageCatalog catalog,
    TemporaryContainers temporaries,
    IOptions<ContainerAuthOptions> options)
{
    public async Task<CleanupResult> CleanupAsync(bool dryRun, bool temporaryOnly, CancellationToken cancellationToken)
    {
        var plan = await PlanAsync(temporaryOnly, cancellationToken);
        if (!dryRun)
        {
            foreach (var container in plan.Containers)
            {
                await engine.RemoveContainerAsync(container, cancellationToken);
            }

            foreach (var image in plan.Images)
            {
                await engine.RemoveImageAsync(image, cancellationToken);
            }

            foreach (var volume in plan.Volumes)
            {
                await engine.RemoveVolumeAsync(volume, cancellationToken);
            }
        }

        return plan with { DryRun = dryRun };
    }

    private async Task<CleanupResult> PlanAsync(bool temporaryOnly, CancellationToken cancellationToken)
    {
        var containers = (await engine.ListContainersAsync(includeStopped: true, cancellationToken))
            .Select(container => container.Name)
            .Where(name => temporaries.IsTemporary(name) && !temporaries.IsClaimed(name))
            .Order(StringComparer.Ordinal)
            .ToArray();
        var temporaryImages = (await engine.ListImageTagsAsync(temporaries.VerifyPrefix, cancellationToken))
            .Where(tag => !temporaries.IsClaimed(tag));
        var images = temporaryOnly
            ? temporaryImages.ToArray()
            : temporaryImages.Concat(await catalog.ListAuthenticatedImagesAsync(cancellationToken)).Order(StringComparer.Ordinal).ToArray();
        var volumes = temporaryOnly ? [] : await engine.ListVolumesAsync($"{options.Value.NamePrefix}auth-", cancellationToken);
        return new CleanupResult(true, images, containers, volumes);
    }
}
