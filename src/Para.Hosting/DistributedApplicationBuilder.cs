namespace Para.Hosting;

/// <summary>Collects resources, as Aspire's builder does, and builds the application that runs them.</summary>
public sealed class DistributedApplicationBuilder
{
    private readonly List<ProjectResource> _resources = [];

    internal DistributedApplicationBuilder(string[] args, DistributedApplicationOptions options)
    {
        Args = args;
        Options = options;
        if (args.Contains("--headless", StringComparer.Ordinal))
        {
            Options.Headless = true;
        }
    }

    public string[] Args { get; }

    public DistributedApplicationOptions Options { get; }

    public IReadOnlyList<ProjectResource> Resources => _resources;

    public ResourceBuilder AddProject<TProject>(string name) where TProject : IProjectMetadata, new() =>
        AddProject(name, new TProject().ProjectPath);

    public ResourceBuilder AddProject(string name, string projectPath)
    {
        if (_resources.Any(resource => string.Equals(resource.Name, name, StringComparison.OrdinalIgnoreCase)))
        {
            throw new InvalidOperationException($"A resource named '{name}' is already defined.");
        }

        var resource = new ProjectResource(name, projectPath);
        _resources.Add(resource);
        return new ResourceBuilder(resource);
    }

    public DistributedApplication Build()
    {
        var application = new DistributedApplication(_resources.ToList(), Options);
        DistributedApplicationTestingBuilder.OnBuilt(application);
        return application;
    }
}
