using Microsoft.Extensions.Options;
using Para.Client;
using Para.ContainerAuth.Assignments;
using Para.ContainerAuth.Containers;
using Para.ContainerAuth.Credentials;
using Para.ContainerAuth.Docker;
using Para.ContainerAuth.Events;
using Para.ContainerAuth.Images;
using Para.ContainerAuth.Jobs;

namespace Para.ContainerAuth;

internal static class ContainerAuthExtensions
{
    public static IHostApplicationBuilder AddContainerAuth(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ContainerAuthOptions>()
            .Bind(builder.Configuration.GetSection(ContainerAuthOptions.SectionName))
            .ValidateDataAnnotations()
            .Validate(options => !string.Equals(ImageNames.Normalize(options.BaseImage), ImageNames.Normalize(options.AuthenticatedImage), StringComparison.Ordinal),
                "Para:ContainerAuth:BaseImage and AuthenticatedImage must differ.")
            .Validate(options => options.ExpiringWithin >= TimeSpan.Zero && options.VerifyTimeout > TimeSpan.Zero,
                "Para:ContainerAuth:ExpiringWithin must not be negative and VerifyTimeout must be positive.")
            .Validate(options => options.AutoReauthImagesDelay > TimeSpan.Zero && options.AutoReauthImagesDelay <= TimeSpan.FromHours(1),
                "Para:ContainerAuth:AutoReauthImagesDelay must be more than 0 and at most 01:00:00.")
            .Validate(options => options.EventHeartbeatInterval >= TimeSpan.FromMilliseconds(100) && options.EventHeartbeatInterval <= TimeSpan.FromMinutes(5),
                "Para:ContainerAuth:EventHeartbeatInterval must be between 100 ms and 5 minutes.")
            .ValidateOnStart();

        builder.AddDockerEngine();
        builder.Services.AddParaClients(builder.Configuration);
        builder.Services.AddSingleton<ICredentialSource, AccountsCredentialSource>();
        builder.Services.AddSingleton<Events.ContainerAuthEventHub>();
        builder.Services.AddSingleton<CredentialWriter>();
        builder.Services.AddSingleton<CredentialVerifier>();
        builder.Services.AddSingleton<TemporaryContainers>();
        builder.Services.AddSingleton<ImageAuthenticator>();
        builder.Services.AddSingleton<AuthStatusReader>();
        builder.Services.AddSingleton<AccountResolver>();
        builder.Services.AddSingleton<BaseImageSetup>();
        builder.Services.AddSingleton<BaseImageReauth>();
        builder.Services.AddSingleton<ImageCatalog>();
        builder.Services.AddSingleton<ImageAuthentication>();
        builder.Services.AddSingleton<CustomImageBuilder>();
        builder.Services.AddSingleton<CleanupWorkflow>();
        builder.Services.AddHostedService<TemporaryContainerSweeper>();
        builder.Services.AddSingleton<Assignments.ContainerAssignments>(provider => new Assignments.ContainerAssignments(
            provider.GetRequiredService<IConfiguration>(), provider.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton<Assignments.ContainerAccounts>();
        builder.Services.AddSingleton<ContainerOperations>();
        builder.Services.AddSingleton<ReauthAllOperation>();
        builder.Services.AddSingleton<JobRunner>();
        builder.Services.AddSingleton<AutoImageReauth>();
        builder.Services.AddSingleton<Propagation.FeedLedger>();
        builder.Services.AddSingleton<Propagation.ContainerFeeder>();
        builder.Services.AddSingleton<Propagation.CredentialHarvester>();
        builder.Services.AddHostedService<Propagation.FeedingService>();
        builder.Services.AddSingleton<Propagation.FeedPassSignal>();
        builder.Services.AddSingleton<StaleImages>();
        builder.Services.AddSingleton<Propagation.EngineEventFollower>();
        builder.Services.AddHostedService(provider => provider.GetRequiredService<Propagation.EngineEventFollower>());
        return builder;
    }

    public static WebApplication MapContainerAuthApi(this WebApplication app)
    {
        app.MapAuthApi();
        app.MapImagesApi();
        app.MapContainersApi();
        app.MapContainerAccountApi();
        app.MapVerifyApi();
        app.MapJobsApi();
        app.MapEventsApi();
        return app;
    }

    /// <summary>
    /// Serves until stopped. Invalid settings stop it at start with one line on stderr naming the
    /// setting and exit code 1, never a logged stack trace.
    /// </summary>
    public static async Task<int> RunContainerAuthAsync(this WebApplication app)
    {
        try
        {
            // The same checks ValidateOnStart runs, made before the host starts so nothing is logged first.
            app.Services.GetRequiredService<IStartupValidator>().Validate();
            await app.RunAsync();
            return 0;
        }
        catch (OptionsValidationException exception)
        {
            await Console.Error.WriteLineAsync($"para-container-auth: {string.Join(" ", exception.Failures)}");
            return 1;
        }
    }
}
