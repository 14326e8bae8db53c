using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Para.Accounts.AuthRefresh;
using Para.Accounts.AuthRefresh.Strategies;
using Para.ServiceDefaults;
using Polly;
using Polly.Telemetry;

namespace Microsoft.Extensions.Hosting;

public static class AuthRefreshExtensions
{
    /// <summary>
    /// The auth refresh manager, its strategies, pipeline, metrics and health section. Expects the
    /// Tokens feature to register <see cref="Para.Accounts.Tokens.IAccountTokenService"/>.
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

        // Everything that needs the token service is built on first use rather than checked when
        // the container is built, so a host without the Tokens feature still starts and serves /health.
        services.AddSingleton<IAuthRefreshStrategy>(provider => ActivatorUtilities.CreateInstance<RefreshTokenGrantStrategy>(provider));
        services.AddSingleton<IAuthRefreshStrategy>(provider => ActivatorUtilities.CreateInstance<StoreReloadStrategy>(provider));
        services.AddSingleton<IAuthRefreshStrategy>(provider => ActivatorUtilities.CreateInstance<CredentialsFileStrategy>(provider));
        services.AddSingleton(provider => ActivatorUtilities.CreateInstance<AccountStatusCache>(provider));

        services.AddSingleton<AuthRefreshState>();
        services.AddSingleton<AuthRefreshMetrics>();
        services.AddSingleton<AuthRefresher>();
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
