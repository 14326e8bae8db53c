using System.Text;

namespace Para.ContainerAuth.Images;

/// <summary>Splits <c>registry/name:tag</c> into repository and tag (a port's colon is not a tag).</summary>
public static class ImageReference
{
    public static (string Repository, string Tag) Split(string image)
    {
        var lastSlash = image.LastIndexOf('/');
        var colon = image.LastIndexOf(':');
        return colon > lastSlash ? (image[..colon], image[(colon + 1)..]) : (image, "latest");
    }
}

/// <summary>The seed's names, minus its defect: the authenticated name appends, it never cuts.</summary>
public static class ImageNames
{
    public const string AuthenticatedSuffix = "-authenticated";

    /// <summary>
    /// <c>para-dev:latest</c> → <c>para-dev-authenticated:latest</c>. Scripts that cut the last
    /// <c>-part</c> make it <c>para-authenticated:latest</c> and overwrite the base's; Para only appends.
    /// The configured base image maps to the configured authenticated image.
    /// </summary>
    public static string AuthenticatedNameFor(string image, ContainerAuthOptions options)
    {
        if (string.Equals(Normalize(image), Normalize(options.BaseImage), StringComparison.Ordinal))
        {
            return Normalize(options.AuthenticatedImage);
        }

        var (repository, _) = ImageReference.Split(image);
        if (IsAuthenticated(image, options))
        {
            throw new ArgumentException($"'{image}' is already an authenticated image.", nameof(image));
        }

        return $"{repository}{AuthenticatedSuffix}:latest";
    }

    public static bool IsAuthenticated(string image, ContainerAuthOptions options) =>
        string.Equals(Normalize(image), Normalize(options.AuthenticatedImage), StringComparison.Ordinal)
        || ImageReference.Split(image).Repository.EndsWith(AuthenticatedSuffix, StringComparison.Ordinal);

    /// <summary><c>/src/My Repo</c> → <c>para-my-repo:latest</c> (Docker names are lower case).</summary>
    public static string CustomImageFor(string repoPath, ContainerAuthOptions options)
    {
        var name = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(repoPath)));
        var builder = new StringBuilder(name.Length);
        foreach (var character in name.ToLowerInvariant())
        {
            builder.Append(char.IsAsciiLetterOrDigit(character) || character is '.' or '_' or '-' ? character : '-');
        }

        var cleaned = builder.ToString().Trim('-', '.', '_');
        if (cleaned.Length == 0)
        {
            throw new ArgumentException($"Cannot derive an image name from '{repoPath}'.", nameof(repoPath));
        }

        return $"{options.NamePrefix}{cleaned}:latest";
    }

    /// <summary>Adds <c>:latest</c> when no tag is given, as Docker does.</summary>
    public static string Normalize(string image)
    {
        var (repository, tag) = ImageReference.Split(image);
        return $"{repository}:{tag}";
    }
}
