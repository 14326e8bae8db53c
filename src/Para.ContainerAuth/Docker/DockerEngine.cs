using System.Formats.Tar;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Docker.DotNet;
using Docker.DotNet.Models;
using Microsoft.Extensions.Options;
using Para.ContainerAuth.Images;

namespace Para.ContainerAuth.Docker;

/// <summary>
/// The one place that talks to Docker. Every call turns transport failures into
/// <see cref="DockerUnavailableException"/> (one line: endpoint and cause) and engine refusals into
/// <see cref="DockerOperationException"/>; nothing is cached, so a returning engine just works.
/// </summary>
public sealed class DockerEngine : IDisposable
{
    public const string NetworkNone = "none";

    /// <summary>
    /// The command of a container Para creates but never starts, from an image that has none. An
    /// image committed from it keeps this command; it has no command of its own to lose.
    /// </summary>
    public const string NeverStartedCommand = "/para-never-started";

    private readonly Lazy<DockerClient> _client;

    /// <summary>1 from a transport failure until the engine answers again.</summary>
    private int _unreachable;

    public DockerEngine(IOptions<DockerOptions> options, IConfiguration configuration)
    {
        Endpoint = options.Value.ResolveEndpoint(configuration["DOCKER_HOST"]);
        var timeout = options.Value.RequestTimeout;
        _client = new Lazy<DockerClient>(() => new DockerClientBuilder().WithEndpoint(Endpoint).WithTimeout(timeout).Build());
    }

    public Uri Endpoint { get; }

    /// <summary>
    /// Raised on the first answer after the engine was unreachable (whichever call gets it: a
    /// request, the health check, a probe). Handlers must return quickly; they run on that call.
    /// </summary>
    public event EventHandler? Recovered;

    private DockerClient Client => _client.Value;

    public Task<EngineVersion> GetVersionAsync(CancellationToken cancellationToken) => GuardAsync(async () =>
    {
        var version = await Client.System.GetVersionAsync(cancellationToken);
        return new EngineVersion(version.Version, version.APIVersion);
    });

    /// <summary>Throws <see cref="DockerUnavailableException"/> unless the engine answers.</summary>
    public Task EnsureAvailableAsync(CancellationToken cancellationToken) => GetVersionAsync(cancellationToken);

    public Task<EngineImage?> FindImageAsync(string name, CancellationToken cancellationToken) => GuardAsync(async () =>
    {
        try
        {
            var image = await Client.Images.InspectImageAsync(name, cancellationToken);
            return new EngineImage(
                image.ID,
                image.RepoTags?.ToArray() ?? [],
                ToDictionary(image.Config?.Labels),
                image.Config?.User,
                image.Config?.Env?.ToArray() ?? [],
                image.Created is { } created ? new DateTimeOffset(DateTime.SpecifyKind(created, DateTimeKind.Utc)) : null,
                image.Config?.Cmd is { Count: > 0 } || image.Config?.Entrypoint is { Count: > 0 });
        }
        catch (DockerApiException exception) when (exception.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    });

    /// <summary>Tags of every image whose repository starts with <paramref name="prefix"/>.</summary>
    public Task<IReadOnlyList<string>> ListImageTagsAsync(string prefix, CancellationToken cancellationToken) => GuardAsync(async () =>
    {
        var images = await Client.Images.ListImagesAsync(new ImagesListParameters { All = false }, cancellationToken);
        IReadOnlyList<string> tags = images
            .SelectMany(image => image.RepoTags ?? [])
            .Where(tag => tag.StartsWith(prefix, StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToArray();
        return tags;
    });

    public Task<IReadOnlyList<EngineContainer>> ListContainersAsync(bool includeStopped, CancellationToken cancellationToken) => GuardAsync(async () =>
    {
        var containers = await Client.Containers.ListContainersAsync(new ContainersListParameters { All = includeStopped }, cancellationToken);
        IReadOnlyList<EngineContainer> list = containers.Select(container => new EngineContainer(
            container.ID,
            container.Names?.FirstOrDefault()?.TrimStart('/') ?? container.ID,
            container.Image,
            container.ImageID,
            container.State,
            ToDictionary(container.Labels))).ToArray();
        return list;
    });

    public Task<(EngineContainer Container, string? User, IReadOnlyList<string> Env)?> FindContainerAsync(string idOrName, CancellationToken cancellationToken) =>
        GuardAsync<(EngineContainer, string?, IReadOnlyList<string>)?>(async () =>
        {
            try
            {
                var container = await Client.Containers.InspectContainerAsync(idOrName, cancellationToken);
                return (new EngineContainer(
                    container.ID,
                    container.Name.TrimStart('/'),
                    container.Config?.Image ?? container.Image,
                    container.Image,
                    container.State?.Status ?? "unknown",
                    ToDictionary(container.Config?.Labels)),
                    container.Config?.User,
                    container.Config?.Env?.ToArray() ?? []);
            }
            catch (DockerApiException exception) when (exception.StatusCode == HttpStatusCode.NotFound)
            {
                return null;
            }
        });

    /// <summary>Creates (does not start) a container on network <c>none</c>.</summary>
    public Task<string> CreateContainerAsync(ContainerSpec spec, CancellationToken cancellationToken) => GuardAsync(async () =>
    {
        var parameters = new CreateContainerParameters
        {
            Image = spec.Image,
            Name = spec.Name,
            User = spec.User ?? string.Empty,
            Labels = spec.Labels.ToDictionary(),
            NetworkDisabled = true,
            HostConfig = new HostConfig { NetworkMode = NetworkNone },
        };
        if (spec.Command.Count > 0)
        {
            parameters.Entrypoint = [spec.Command[0]];
            parameters.Cmd = spec.Command.Skip(1).ToList();
        }
        else if (!(spec.ImageHasCommand ?? await HasCommandAsync(spec.Image, cancellationToken)))
        {
            // The engine refuses to create a container with no command ("No command specified"),
            // as an image from 'docker import' has none; this one is never started.
            parameters.Cmd = [NeverStartedCommand];
        }

        var created = await Client.Containers.CreateContainerAsync(parameters, cancellationToken);
        return created.ID;
    });

    /// <summary>Starts a container and waits for it; returns the exit code and the combined output.</summary>
    public Task<(long ExitCode, string Output)> RunToCompletionAsync(string containerId, CancellationToken cancellationToken) => GuardAsync(async () =>
    {
        await Client.Containers.StartContainerAsync(containerId, new ContainerStartParameters(), cancellationToken);
        var wait = await Client.Containers.WaitContainerAsync(containerId, cancellationToken);
        using var logs = await Client.Containers.GetContainerLogsAsync(
            containerId, new ContainerLogsParameters { ShowStdout = true, ShowStderr = true }, cancellationToken);
        var (stdout, stderr) = await logs.ReadOutputToEndAsync(cancellationToken);
        return (wait.StatusCode, stdout + stderr);
    });

    public Task StartContainerAsync(string containerId, CancellationToken cancellationToken) =>
        GuardAsync(() => Client.Containers.StartContainerAsync(containerId, new ContainerStartParameters(), cancellationToken));

    public Task RestartContainerAsync(string containerId, CancellationToken cancellationToken) =>
        GuardAsync(() => Client.Containers.RestartContainerAsync(containerId, new ContainerRestartParameters { WaitBeforeKillSeconds = 5 }, cancellationToken));

    /// <summary>Removes a container, running or not; a container already gone is fine.</summary>
    public Task RemoveContainerAsync(string containerId, CancellationToken cancellationToken) => GuardAsync(async () =>
    {
        try
        {
            await Client.Containers.RemoveContainerAsync(containerId, new ContainerRemoveParameters { Force = true, RemoveVolumes = true }, cancellationToken);
        }
        catch (DockerApiException exception) when (exception.StatusCode == HttpStatusCode.NotFound)
        {
        }
    });

    /// <summary>Extracts a tar archive at <paramref name="directory"/>, which must exist in the container.</summary>
    public Task UploadArchiveAsync(string containerId, string directory, Stream tar, CancellationToken cancellationToken) =>
        GuardAsync(() => Client.Containers.ExtractArchiveToContainerAsync(
            containerId, new CopyToContainerParameters { Path = directory }, tar, cancellationToken));

    /// <summary>Whether a path exists in a container (running or not).</summary>
    public Task<bool> PathExistsAsync(string containerId, string path, CancellationToken cancellationToken) => GuardAsync(async () =>
    {
        try
        {
            var stat = await Client.Containers.GetArchiveFromContainerAsync(
                containerId, new ContainerPathStatParameters { Path = path }, statOnly: true, cancellationToken);
            stat.Stream?.Dispose();
            return true;
        }
        catch (DockerApiException exception) when (exception.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
    });

    /// <summary>
    /// A path's size and mtime (one <c>HEAD</c> on the archive endpoint: about a tenth of what reading
    /// the file through the engine costs); null when it is not there.
    /// </summary>
    public Task<EngineFileStat?> StatFileAsync(string containerId, string path, CancellationToken cancellationToken) => GuardAsync(async () =>
    {
        try
        {
            var archive = await Client.Containers.GetArchiveFromContainerAsync(
                containerId, new ContainerPathStatParameters { Path = path }, statOnly: true, cancellationToken);
            archive.Stream?.Dispose();
            return archive.Stat is { } stat
                ? new EngineFileStat(stat.Size, new DateTimeOffset(stat.Mtime.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(stat.Mtime, DateTimeKind.Utc) : stat.Mtime.ToUniversalTime()))
                : throw new DockerOperationException($"Docker sent no file status for {path}.");
        }
        catch (DockerApiException exception) when (exception.StatusCode == HttpStatusCode.NotFound)
        {
            return (EngineFileStat?)null;
        }
    });

    /// <summary>Reads one regular file out of a container (running or not); null when it is not there.</summary>
    public Task<EngineFile?> ReadFileAsync(string containerId, string path, CancellationToken cancellationToken) => GuardAsync(async () =>
    {
        ContainerArchiveResponse archive;
        try
        {
            archive = await Client.Containers.GetArchiveFromContainerAsync(
                containerId, new ContainerPathStatParameters { Path = path }, statOnly: false, cancellationToken);
        }
        catch (DockerApiException exception) when (exception.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        await using var stream = archive.Stream ?? throw new DockerOperationException($"Docker sent no archive for {path}.");
        await using var reader = new TarReader(stream);
        while (await reader.GetNextEntryAsync(copyData: true, cancellationToken) is { } entry)
        {
            if (entry.EntryType is TarEntryType.RegularFile or TarEntryType.V7RegularFile && entry.DataStream is { } data)
            {
                using var buffer = new MemoryStream();
                await data.CopyToAsync(buffer, cancellationToken);
                return new EngineFile(path, buffer.ToArray(), (int)entry.Mode, entry.Uid, entry.Gid);
            }
        }

        return null;
    });

    /// <summary>
    /// Commits a container as <paramref name="image"/> (<c>name:tag</c>); returns the image id.
    /// <paramref name="labels"/> replace the container's labels of the same name in the new image.
    /// </summary>
    public Task<string> CommitAsync(string containerId, string image, CancellationToken cancellationToken,
        IReadOnlyDictionary<string, string>? labels = null) => GuardAsync(async () =>
    {
        var (repository, tag) = ImageReference.Split(image);
        var committed = await Client.Images.CommitContainerChangesAsync(new CommitContainerChangesParameters
        {
            ContainerID = containerId,
            RepositoryName = repository,
            Tag = tag,
            Pause = true,
            Changes = labels is null ? null : labels.Select(label => $"LABEL {Quote(label.Key)}={Quote(label.Value)}").ToList(),
        }, cancellationToken);
        return committed.ID;
    });

    private async Task<bool> HasCommandAsync(string image, CancellationToken cancellationToken)
    {
        try
        {
            var inspected = await Client.Images.InspectImageAsync(image, cancellationToken);
            return inspected.Config?.Cmd is { Count: > 0 } || inspected.Config?.Entrypoint is { Count: > 0 };
        }
        catch (DockerApiException exception) when (exception.StatusCode == HttpStatusCode.NotFound)
        {
            // The create that follows says the image is missing.
            return true;
        }
    }

    /// <summary>A Dockerfile string (what <c>docker commit --change</c> takes): quotes and backslashes escaped.</summary>
    private static string Quote(string text) => $"\"{text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)}\"";

    public Task TagImageAsync(string source, string target, CancellationToken cancellationToken) => GuardAsync(async () =>
    {
        var (repository, tag) = ImageReference.Split(target);
        await Client.Images.TagImageAsync(source, new ImageTagParameters { RepositoryName = repository, Tag = tag }, cancellationToken);
    });

    /// <summary>
    /// Deletes an image by name or id; one already gone is fine. Without <paramref name="force"/>
    /// the engine refuses (409) while a container still uses it.
    /// </summary>
    public Task RemoveImageAsync(string image, CancellationToken cancellationToken, bool force = true) => GuardAsync(async () =>
    {
        try
        {
            await Client.Images.DeleteImageAsync(image, new ImageDeleteParameters { Force = force }, cancellationToken);
        }
        catch (DockerApiException exception) when (exception.StatusCode == HttpStatusCode.NotFound)
        {
        }
    });

    /// <summary>Builds <paramref name="image"/> from a tar context on network none; each output line goes to <paramref name="log"/>.</summary>
    public Task BuildImageAsync(Stream context, string dockerfile, string image, IReadOnlyDictionary<string, string> labels,
        Action<string> log, CancellationToken cancellationToken) => GuardAsync(async () =>
    {
        var progress = new BuildProgress(log);
        await Client.Images.BuildImageFromDockerfileAsync(
            new ImageBuildParameters
            {
                Tags = [image],
                Dockerfile = dockerfile,
                NetworkMode = NetworkNone,
                Remove = true,
                ForceRemove = true,
                Labels = labels.ToDictionary(),
            },
            context, authConfigs: null, headers: null, progress, cancellationToken);
        if (progress.Error is { } error)
        {
            throw new DockerOperationException($"Building {image} failed: {error}");
        }
    });

    /// <summary>
    /// The engine's events that change what Para shows or feeds, as they happen: containers
    /// starting, dying and being removed; images tagged, untagged and deleted. Runs until cancelled;
    /// a broken stream (the engine going away) ends it with <see cref="DockerUnavailableException"/>.
    /// With <paramref name="since"/> (a time of the engine's, from an event it sent) the engine first
    /// replays what it still holds from then on.
    /// </summary>
    public async IAsyncEnumerable<EngineEvent> WatchEventsAsync(DateTimeOffset? since, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var parameters = new ContainerEventsParameters
        {
            Since = since?.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
            Filters = new Dictionary<string, IDictionary<string, bool>>
            {
                ["type"] = new Dictionary<string, bool> { ["container"] = true, ["image"] = true },
                ["event"] = WatchedActions.ToDictionary(action => action, _ => true),
            },
        };
        var events = Channel.CreateUnbounded<EngineEvent>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var monitoring = MonitorEventsAsync(parameters, events.Writer, stop.Token);
        try
        {
            await foreach (var engineEvent in events.Reader.ReadAllAsync(cancellationToken))
            {
                yield return engineEvent;
            }
        }
        finally
        {
            await stop.CancelAsync();
            await monitoring;
        }
    }

    private static readonly string[] WatchedActions = ["start", "die", "destroy", "tag", "untag", "delete"];

    private async Task MonitorEventsAsync(ContainerEventsParameters parameters, ChannelWriter<EngineEvent> events, CancellationToken cancellationToken)
    {
        Exception? failure = null;
        try
        {
            await Client.System.MonitorEventsAsync(parameters, new EventProgress(this, events), cancellationToken);
            failure = new DockerUnavailableException($"Docker engine at {Endpoint} closed its event stream.");
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (DockerApiException exception)
        {
            NoteAnswer();
            failure = new DockerOperationException($"Docker answered {(int)exception.StatusCode}: {EngineMessage(exception.ResponseBody)}", exception);
        }
        catch (Exception exception) when (IsTransportFailure(exception) || exception is OperationCanceledException)
        {
            Volatile.Write(ref _unreachable, 1);
            failure = new DockerUnavailableException($"Docker engine at {Endpoint} is unreachable: {Cause(exception)}", exception);
        }

        events.TryComplete(failure);
    }

    public Task<IReadOnlyList<string>> ListVolumesAsync(string prefix, CancellationToken cancellationToken) => GuardAsync(async () =>
    {
        var volumes = await Client.Volumes.ListAsync(new VolumesListParameters(), cancellationToken);
        IReadOnlyList<string> names = (volumes.Volumes ?? [])
            .Select(volume => volume.Name)
            .Where(name => name.StartsWith(prefix, StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToArray();
        return names;
    });

    public Task RemoveVolumeAsync(string name, CancellationToken cancellationToken) =>
        GuardAsync(() => Client.Volumes.RemoveAsync(name, force: true, cancellationToken));

    public void Dispose()
    {
        if (_client.IsValueCreated)
        {
            _client.Value.Dispose();
        }
    }

    private static Dictionary<string, string> ToDictionary(IDictionary<string, string>? labels) =>
        labels is null ? [] : new Dictionary<string, string>(labels, StringComparer.Ordinal);

    private async Task GuardAsync(Func<Task> call) => await GuardAsync(async () =>
    {
        await call();
        return true;
    });

    private async Task<T> GuardAsync<T>(Func<Task<T>> call)
    {
        try
        {
            var result = await call();
            NoteAnswer();
            return result;
        }
        catch (DockerApiException exception)
        {
            NoteAnswer();
            throw new DockerOperationException($"Docker answered {(int)exception.StatusCode}: {EngineMessage(exception.ResponseBody)}", exception);
        }
        catch (Exception exception) when (IsTransportFailure(exception))
        {
            Volatile.Write(ref _unreachable, 1);
            throw new DockerUnavailableException($"Docker engine at {Endpoint} is unreachable: {Cause(exception)}", exception);
        }
    }

    private void NoteAnswer()
    {
        if (Interlocked.Exchange(ref _unreachable, 0) == 1)
        {
            Recovered?.Invoke(this, EventArgs.Empty);
        }
    }

    private static bool IsTransportFailure(Exception exception) => exception switch
    {
        HttpRequestException or SocketException or IOException or TimeoutException => true,
        OperationCanceledException canceled => canceled.InnerException is TimeoutException,
        _ => exception.InnerException is { } inner && IsTransportFailure(inner),
    };

    /// <summary>A missing socket file reads as "Cannot assign requested address" from the OS; say what it is.</summary>
    private string Cause(Exception exception) =>
        Endpoint.Scheme == "unix" && !File.Exists(Endpoint.AbsolutePath)
            ? $"there is no socket at {Endpoint.AbsolutePath} (is dockerd running?)"
            : Innermost(exception).Message;

    private static Exception Innermost(Exception exception) =>
        exception.InnerException is { } inner ? Innermost(inner) : exception;

    /// <summary>The engine's JSON error <c>{"message":"..."}</c> as one line.</summary>
    private static string EngineMessage(string? body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return "(no message)";
        }

        try
        {
            using var document = System.Text.Json.JsonDocument.Parse(body);
            if (document.RootElement.TryGetProperty("message", out var message) && message.GetString() is { } text)
            {
                return text.Trim();
            }
        }
        catch (System.Text.Json.JsonException)
        {
        }

        return body.Split('\n', 2)[0].Trim();
    }

    /// <summary>Synchronous, so events keep their order; the first one also tells that the engine answers.</summary>
    private sealed class EventProgress(DockerEngine engine, ChannelWriter<EngineEvent> events) : IProgress<Message>
    {
        public void Report(Message value)
        {
            engine.NoteAnswer();
            if (value.Type is not { } type || value.Action is not { } action || value.Actor?.ID is not { } id)
            {
                return;
            }

            var time = value.TimeNano is { } nanos ? DateTimeOffset.UnixEpoch.AddTicks(nanos / 100)
                : value.Time is { } seconds ? DateTimeOffset.FromUnixTimeSeconds(seconds)
                : (DateTimeOffset?)null;
            events.TryWrite(new EngineEvent(type, action, id, ToDictionary(value.Actor.Attributes), time));
        }
    }

    /// <summary>Synchronous, so build lines keep their order (Progress&lt;T&gt; posts to the pool).</summary>
    private sealed class BuildProgress(Action<string> log) : IProgress<JSONMessage>
    {
        public string? Error { get; private set; }

        public void Report(JSONMessage value)
        {
            if (value.Error is { Message: { } message })
            {
                Error = message.Trim();
                log(Error);
            }
            else if (!string.IsNullOrWhiteSpace(value.Stream))
            {
                log(value.Stream.TrimEnd());
            }
            else if (!string.IsNullOrWhiteSpace(value.Status))
            {
                log(value.Status.Trim());
            }
        }
    }
}
