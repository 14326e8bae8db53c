namespace Para.ContainerAuth.Docker;

/// <summary>What Para needs to know of an image, without Docker.DotNet's types.</summary>
public sealed record EngineImage(
    string Id,
    IReadOnlyList<string> Tags,
    IReadOnlyDictionary<string, string> Labels,
    string? User,
    IReadOnlyList<string> Env,
    DateTimeOffset? Created,
    bool HasCommand = true);

public sealed record EngineContainer(
    string Id,
    string Name,
    string Image,
    string ImageId,
    string State,
    IReadOnlyDictionary<string, string> Labels)
{
    /// <summary>Running or paused: its processes exist, so it can be fed in place.</summary>
    public bool IsRunning => State is "running" or "paused";
}

/// <summary>A container to create; Para's containers never get a network.</summary>
public sealed record ContainerSpec(
    string Image,
    string Name,
    IReadOnlyList<string> Command,
    IReadOnlyDictionary<string, string> Labels,
    string? User = null,
    bool? ImageHasCommand = null);

public sealed record EngineVersion(string Version, string ApiVersion);

/// <summary>A file read out of a container with the metadata <c>verify</c> checks.</summary>
public sealed record EngineFile(string Path, byte[] Content, int Mode, int Uid, int Gid);

/// <summary>A file's size and modification time as the engine reports them, without its content.</summary>
public sealed record EngineFileStat(long Size, DateTimeOffset ModifiedAt);

/// <summary>
/// One event of the engine's stream: <c>container</c> start, die, destroy or <c>image</c> tag, untag,
/// delete. Attributes hold a container's name, image and labels, or an image's name (for untag and
/// delete only its id); <see cref="Time"/> is the engine's clock.
/// </summary>
public sealed record EngineEvent(string Type, string Action, string ActorId, IReadOnlyDictionary<string, string> Attributes, DateTimeOffset? Time)
{
    public const string ContainerType = "container";
    public const string ImageType = "image";

    public string? Name => Attributes.TryGetValue("name", out var name) ? name : null;
}
