namespace Para.ContainerAuth.Docker;

internal static class DockerServiceCollectionExtensions
{
    public static IHostApplicationBuilder AddDockerEngine(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<DockerOptions>()
            .Bind(builder.Configuration.GetSection(DockerOptions.SectionName))
            .Validate(options => options.RequestTimeout > TimeSpan.Zero, "Para:Docker:RequestTimeout must be positive.")
            .Validate(options => string.IsNullOrWhiteSpace(options.Endpoint) || Uri.TryCreate(options.Endpoint, UriKind.Absolute, out _),
                "Para:Docker:Endpoint must be an absolute URI such as unix:///var/run/docker.sock.")
            .ValidateOnStart();
        builder.Services.AddSingleton<DockerEngine>();
        builder.Services.AddHealthChecks().AddCheck<DockerHealthCheck>(DockerHealthCheck.Name);
        return builder;
    }
}
