using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Para.Accounts.AuthRefresh;
using Para.Accounts.Tokens;
using Para.ServiceDefaults;

namespace Microsoft.Extensions.Hosting;

public static class AuthRefreshExtensions
{
    /// <summary>
    /// The recovery decision the gateway's refresh manager asks for, the credentials-file fallback
    /// and the health section, over the token manager that <c>AddAccountServices</c> registers.
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
        services.AddSingleton<IHealthDocumentSection, AuthenticationHealthSection>();
        services.AddHealthChecks().AddCheck<AuthenticationHealthCheck>("authentication");
        return builder;
    }
}
