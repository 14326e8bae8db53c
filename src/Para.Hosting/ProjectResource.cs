namespace Para.Hosting;

/// <summary>A .NET project the host builds, starts on a loopback port and watches.</summary>
public sealed class ProjectResource(string name, string projectPath)
{
    public string Name { get; } = name;

    public string ProjectPath { get; } = projectPath;

    /// <summary>Extra variables for the process; a factory runs when the process starts.</summary>
    public Dictionary<string, Func<string>> Environment { get; } = new(StringComparer.Ordinal);

    public List<ProjectResource> References { get; } = [];

    public List<ProjectResource> WaitsFor { get; } = [];

    /// <summary>The path the host polls to call the resource healthy; null means "started is enough".</summary>
    public string? HealthCheckPath { get; set; }

    /// <summary>An interactive console: takes over the terminal, starts after every service is healthy.</summary>
    public bool IsInteractiveConsole { get; set; }

    /// <summary>Set by the host when it starts: the loopback address the resource listens on.</summary>
    public Uri? Endpoint { get; internal set; }
}

/// <summary>The fluent surface an AppHost uses, in Aspire's words.</summary>
public sealed class ResourceBuilder(ProjectResource resource)
{
    public ProjectResource Resource { get; } = resource;

    /// <summary>Injects <c>services__NAME__http__0</c> so service discovery finds <paramref name="source"/>.</summary>
    public ResourceBuilder WithReference(ResourceBuilder source)
    {
        Resource.References.Add(source.Resource);
        return this;
    }

    /// <summary>Starts this resource only after <paramref name="dependency"/> reports healthy.</summary>
    public ResourceBuilder WaitFor(ResourceBuilder dependency)
    {
        Resource.WaitsFor.Add(dependency.Resource);
        return this;
    }

    public ResourceBuilder WithEnvironment(string name, string value)
    {
        Resource.Environment[name] = () => value;
        return this;
    }

    public ResourceBuilder WithEnvironment(string name, Func<string> value)
    {
        Resource.Environment[name] = value;
        return this;
    }

    public ResourceBuilder WithHttpHealthCheck(string path = "/health")
    {
        Resource.HealthCheckPath = path;
        return this;
    }

    public ResourceBuilder AsInteractiveConsole()
    {
        Resource.IsInteractiveConsole = true;
        return this;
    }
}
