namespace Para.ContainerAuth.Docker;

/// <summary>
/// Where the engine is (section <c>Para:Docker</c>). Without <c>Endpoint</c>, <c>DOCKER_HOST</c>
/// decides, then the default socket. No API version: the engine answers in its own.
/// </summary>
public sealed class DockerOptions
{
    public const string SectionName = "Para:Docker";
    public const string DefaultEndpoint = "unix:///var/run/docker.sock";

    public string? Endpoint { get; set; }

    /// <summary>Per-request timeout; builds and waits pass their own cancellation.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromMinutes(5);

    public Uri ResolveEndpoint(string? dockerHost) =>
        new(!string.IsNullOrWhiteSpace(Endpoint) ? Endpoint
            : !string.IsNullOrWhiteSpace(dockerHost) ? dockerHost
            : DefaultEndpoint);
}
