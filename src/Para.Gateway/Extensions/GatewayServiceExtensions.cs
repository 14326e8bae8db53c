using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Para.Client;
using Para.Gateway;
using Para.Gateway.Accounts;
using Para.Gateway.AuthRefresh;
using Para.Gateway.Events;
using Para.Gateway.Forwarding;
using Para.Gateway.Keys;
using Para.Gateway.Requests;
using Para.Gateway.Tokens;
using Polly;
using Polly.Telemetry;

namespace Microsoft.Extensions.Hosting;

public static class GatewayServiceExtensions
{
    /// <summary>The forwarder, its caches over the account API, the refresh manager and the request recorder.</summary>
    public static IHostApplicationBuilder AddGateway(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        // Every /v1 request carries a bearer that is not the admin key, and the admin-key handler
        // (the default scheme) says so at Information: a log line per request, and its cost.
        builder.Logging.AddFilter("Para.ServiceDefaults.Security", LogLevel.Warning);
        services.AddOptions<GatewayOptions>().Bind(builder.Configuration.GetSection(GatewayOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<GatewayOptions>, GatewayOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.AddParaClients(builder.Configuration);
        services.AddHttpForwarder();

        services.AddSingleton<GatewayTelemetry>();
        services.AddSingleton<UpstreamClient>();
        services.AddSingleton<GatewayKeys>();
        services.AddSingleton<AccountCatalog>();
        services.AddSingleton<AccountSelector>();
        services.AddSingleton<UpstreamCredentials>();
        services.AddSingleton<GatewayForwarder>();
        services.AddSingleton<RequestRecorder>();
        services.AddHostedService(provider => provider.GetRequiredService<RequestRecorder>());
        services.AddSingleton<Para.Gateway.Limits.ProviderVerdictReporter>();
        services.AddHostedService(provider => provider.GetRequiredService<Para.Gateway.Limits.ProviderVerdictReporter>());
        services.AddSingleton<Para.Gateway.Limits.AccountLimitsTracker>();
        services.AddSingleton<Para.Gateway.Limits.UsagePoller>();
        services.AddHostedService(provider => provider.GetRequiredService<Para.Gateway.Limits.UsagePoller>());
        // Its own back-off on 429; the standard handler's retries would ask three times as often.
        // EXTEXP0001: experimental API, and the documented way to undo the defaults for one client.
#pragma warning disable EXTEXP0001
        services.AddHttpClient(Para.Gateway.Limits.UsagePoller.HttpClientName).RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
        services.AddSingleton<AccountEventsFollower>();
        services.AddHostedService(provider => provider.GetRequiredService<AccountEventsFollower>());

        services.AddSingleton<IAuthRecovery, AccountsAuthRecovery>();
        services.AddSingleton<AuthRefreshManager>();
        services.AddResiliencePipeline(AuthRefreshPipeline.Name, static (pipeline, context) =>
        {
            var provider = context.ServiceProvider;
            pipeline.AddAuthRecovery(
                provider.GetRequiredService<IAuthRecovery>(),
                provider.GetRequiredService<TimeProvider>(),
                provider.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(AuthRecoveryStrategy).FullName!));
        });
        services.AddResilienceEnricher();
        services.Configure<TelemetryOptions>(telemetry => telemetry.MeteringEnrichers.Add(new AuthRefreshMeteringEnricher()));
        return builder;
    }

    public static WebApplication MapGatewayApis(this WebApplication app)
    {
        app.MapForwardingEndpoints();
        app.MapGatewayStatusEndpoints();
        return app;
    }

    /// <summary>Serves until stopped; invalid settings stop it at start with one line on stderr naming the setting, exit code 1.</summary>
    public static async Task<int> RunGatewayAsync(this WebApplication app)
    {
        try
        {
            app.Services.GetRequiredService<IStartupValidator>().Validate();
            await app.RunAsync();
            return 0;
        }
        catch (OptionsValidationException exception)
        {
            await Console.Error.WriteLineAsync($"para-gateway: {string.Join(" ", exception.Failures)}");
            return 1;
        }
    }
}
