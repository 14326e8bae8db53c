using System.Formats.Tar;
using System.Text;
using Docker.DotNet;
using Docker.DotNet.Models;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Para.ContainerAuth.Credentials;
using Para.ContainerAuth.Docker;

namespace Para.ContainerAuth.Tests.Infrastructure;

[CollectionDefinition(Name)]
public sealed class DockerCollection : ICollectionFixture<DockerFixture>
{
    public const string Name = "docker";
}

/// <summary>
/// The real engine for a test run. Everything a run creates is named <c>para-t&lt;random&gt;…</c>
/// and removed at the end. No engine is a failure, not a skip: these tests are the point.
/// </summary>
public sealed class DockerFixture : IAsyncLifetime
{
    public const string TestBaseImage = "para-test-base:latest";

    private int _hosts;

    public string RunPrefix { get; } = $"para-t{Guid.NewGuid().ToString("n")[..6]}";

    /// <summary>The test base image with <c>USER para</c>: para images run as para (uid 1000, home from /etc/passwd).</summary>
    public string UserBaseImage => $"{RunPrefix}-userbase:latest";

    public DockerEngine Engine { get; } = new(Options.Create(new DockerOptions()), new ConfigurationBuilder().AddEnvironmentVariables().Build());

    public async Task InitializeAsync()
    {
        try
        {
            await Engine.EnsureAvailableAsync(CancellationToken.None);
        }
        catch (DockerUnavailableException exception)
        {
            throw new InvalidOperationException($"These tests need a Docker engine (CI starts one): {exception.Message}", exception);
        }

        if (await Engine.FindImageAsync(TestBaseImage, CancellationToken.None) is null)
        {
            throw new InvalidOperationException($"{TestBaseImage} is missing; run .ci/make-test-image.sh.");
        }

        await BuildAsync(UserBaseImage, $"FROM {TestBaseImage}\nUSER para\n");
        await ImportBareImageAsync();
    }

    /// <summary>
    /// An image the way <c>docker import</c> makes one (as .ci/make-test-image.sh does) with no CMD or
    /// ENTRYPOINT and no shell: only /etc/passwd and the para user's home, <c>USER para</c>.
    /// </summary>
    public string ImportedImage => $"{RunPrefix}-imported:latest";

    private async Task ImportBareImageAsync()
    {
        using var root = new MemoryStream();
        using (var writer = new TarWriter(root, TarEntryFormat.Pax, leaveOpen: true))
        {
            var directory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead
                | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
            foreach (var (path, uid) in new[] { ("etc/", 0), ("root/", 0), ("home/", 0), ("home/para/", 1000), ("home/para/.claude/", 1000) })
            {
                writer.WriteEntry(new PaxTarEntry(TarEntryType.Directory, path) { Mode = directory, Uid = uid, Gid = uid });
            }

            writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "etc/passwd")
            {
                DataStream = new MemoryStream(Encoding.UTF8.GetBytes("root:x:0:0:root:/root:/bin/sh\npara:x:1000:1000:para:/home/para:/bin/sh\n")),
                Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
            });
        }

        root.Position = 0;
        using var client = new DockerClientBuilder().WithEndpoint(Engine.Endpoint).Build();
        var (repository, tag) = Para.ContainerAuth.Images.ImageReference.Split(ImportedImage);
        await client.Images.CreateImageAsync(
            new ImagesCreateParameters { FromSrc = "-", Repo = repository, Tag = tag, Changes = ["USER para"] },
            root, authConfig: null, new Progress<JSONMessage>());
    }

    /// <summary>A service host with its own name prefix, so tests never see each other's images.</summary>
    public ContainerAuthHost CreateHost(Action<Dictionary<string, string?>>? configure = null, DateTimeOffset? now = null)
    {
        var prefix = $"{RunPrefix}{Interlocked.Increment(ref _hosts):00}-";
        return new ContainerAuthHost(this, prefix, configure, now);
    }

    public async Task BuildAsync(string image, string dockerfile)
    {
        using var context = new MemoryStream();
        using (var writer = new TarWriter(context, leaveOpen: true))
        {
            writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "Dockerfile")
            {
                DataStream = new MemoryStream(Encoding.UTF8.GetBytes(dockerfile)),
                Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
            });
        }

        context.Position = 0;
        var log = new StringBuilder();
        await Engine.BuildImageAsync(context, "Dockerfile", image, new Dictionary<string, string>(), line => log.AppendLine(line), CancellationToken.None);
    }

    /// <summary>Starts a long-running container (network none) the way Para's sessions run.</summary>
    public async Task<string> StartSessionAsync(string image, string name)
    {
        var id = await Engine.CreateContainerAsync(new Para.ContainerAuth.Docker.ContainerSpec(image, name, ["/bin/sleep", "600"], new Dictionary<string, string>()), CancellationToken.None);
        await Engine.StartContainerAsync(id, CancellationToken.None);
        return id;
    }

    /// <summary>Images Para made from a source under <paramref name="prefix"/>, tagged or not: replaced ones must not pile up.</summary>
    public async Task<int> CountAuthenticatedImagesAsync(string prefix)
    {
        using var client = new DockerClientBuilder().WithEndpoint(Engine.Endpoint).Build();
        return (await client.Images.ListImagesAsync(new ImagesListParameters { All = true }))
            .Count(image => image.Labels is { } labels && labels.TryGetValue(CredentialLabels.SourceImage, out var source)
                && source.StartsWith(prefix, StringComparison.Ordinal));
    }

    public async Task DisposeAsync()
    {
        // Docker.DotNet directly: the cleanup must also find untagged images left by re-tagging.
        using var client = new DockerClientBuilder().WithEndpoint(Engine.Endpoint).Build();
        foreach (var container in await client.Containers.ListContainersAsync(new ContainersListParameters { All = true }))
        {
            if (container.Names.Any(name => name.TrimStart('/').StartsWith(RunPrefix, StringComparison.Ordinal)))
            {
                await client.Containers.RemoveContainerAsync(container.ID, new ContainerRemoveParameters { Force = true, RemoveVolumes = true });
            }
        }

        // Children before parents: a pass deletes what it can, the next one what that freed.
        for (var pass = 0; pass < 4; pass++)
        {
            var ours = (await client.Images.ListImagesAsync(new ImagesListParameters { All = true }))
                .Where(image => (image.RepoTags ?? []).Any(tag => tag.StartsWith(RunPrefix, StringComparison.Ordinal))
                    || (image.Labels is { } labels && labels.TryGetValue(CredentialLabels.SourceImage, out var source)
                        && source.StartsWith(RunPrefix, StringComparison.Ordinal)))
                .ToArray();
            if (ours.Length == 0)
            {
                break;
            }

            foreach (var image in ours)
            {
                try
                {
                    await client.Images.DeleteImageAsync(image.ID, new ImageDeleteParameters { Force = true });
                }
                catch (DockerApiException)
                {
                    // Still the parent of another of ours: the next pass gets it.
                }
            }
        }

        var volumes = await client.Volumes.ListAsync(new VolumesListParameters());
        foreach (var volume in (volumes.Volumes ?? []).Where(volume => volume.Name.StartsWith(RunPrefix, StringComparison.Ordinal)))
        {
            await client.Volumes.RemoveAsync(volume.Name, force: true);
        }

        Engine.Dispose();
    }
}
