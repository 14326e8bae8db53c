using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Para.Accounts.AuthRefresh;
using Para.Accounts.Tokens;
using Para.ServiceDefaults;
using Polly;
using Polly.Telemetry;

namespace Microsoft.Extensions.Hosting;

public static class AuthRefreshExtensions
{
    /// <summary>
    /// The auth refresh manager, its pipeline, the credentials-file fallback and the health section,
    /// over the token manager that <c>AddAccountServices</c> registers.
    /// </summary>
    public static IHostApplicationBuilder AddAuthRefresh(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<AuthRefreshOptions>()
            .BindConfiguration(AuthRefreshOptions.SectionName)
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AuthRefreshOptions>, AuthRefreshOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();

        services.AddSingleton<ITokenFallback, CredentialsFileFallback>();
        services.AddSingleton<AuthRefresher>();
        services.AddSingleton<AuthHealthCache>();
        services.AddSingleton<AuthRefreshManager>();
        services.AddSingleton<IHealthDocumentSection, AuthenticationHealthSection>();
        services.AddHealthChecks().AddCheck<AuthenticationHealthCheck>("authentication");

        services.AddResiliencePipeline(AuthRefreshPipeline.Name, static (pipeline, context) =>
        {
            var provider = context.ServiceProvider;
            pipeline.AddAuthRecovery(
                provider.GetRequiredService<AuthRefresher>(),
                provider.GetRequiredService<TimeProvider>(),
                provider.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(AuthRecoveryStrategy).FullName!));
        });
        services.AddResilienceEnricher();
        services.Configure<TelemetryOptions>(telemetry => telemetry.MeteringEnrichers.Add(new AuthRefreshMeteringEnricher()));
        return builder;
    }
}
