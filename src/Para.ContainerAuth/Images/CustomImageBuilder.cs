using System.Formats.Tar;
using Microsoft.Extensions.Options;
using Para.ContainerAuth.Docker;
using Para.ContainerAuth.Jobs;

namespace Para.ContainerAuth.Images;

/// <summary><c>images build</c>: <c>para-&lt;repo&gt;:latest</c> from <c>&lt;repo&gt;/.para/Dockerfile.custom</c>, log lines as job steps.</summary>
public sealed class CustomImageBuilder(DockerEngine engine, IOptions<ContainerAuthOptions> options)
{
    public const string CustomDockerfile = ".para/Dockerfile.custom";

    /// <summary>The label that marks an image Para built (its value: the repository it came from).</summary>
    public const string RepoLabel = "para.repo";

    public async Task<string> BuildAsync(string repoPath, Job job, CancellationToken cancellationToken)
    {
        var image = ImageNames.CustomImageFor(repoPath, options.Value);
        await using var context = CreateBuildContext(repoPath);
        job.Report("context", 0.1, $"{context.Length / 1024} KiB of build context from {repoPath}");
        var lines = 0;
        await engine.BuildImageAsync(context, CustomDockerfile, image, new Dictionary<string, string> { [RepoLabel] = repoPath },
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
}
