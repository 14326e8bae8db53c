using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Para.ServiceDefaults.Security;
using Refit;

namespace Para.Client;

public static class ParaClientServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="IAccountsApi"/>, <see cref="IContainerAuthApi"/> and <see cref="IGatewayApi"/>. Resilience and
    /// service discovery come from the HttpClient defaults that <c>AddServiceDefaults</c> sets.
    /// </summary>
    public static IServiceCollection AddParaClients(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ParaClientOptions>().Bind(configuration.GetSection(ParaClientOptions.SectionName));
        services.AddTransient<AdminKeyHandler>();

        var settings = new RefitSettings(new SystemTextJsonContentSerializer(new JsonSerializerOptions(JsonSerializerDefaults.Web)));
        services.AddRefitGeneratedClient<IAccountsApi>(settings)
            .ConfigureHttpClient((provider, client) =>
                client.BaseAddress = provider.GetRequiredService<IOptions<ParaClientOptions>>().Value.AccountsAddress)
            .AddHttpMessageHandler<AdminKeyHandler>()
            .UseInteractiveResilience();
        services.AddRefitGeneratedClient<IContainerAuthApi>(settings)
            .ConfigureHttpClient((provider, client) =>
                client.BaseAddress = provider.GetRequiredService<IOptions<ParaClientOptions>>().Value.ContainerAuthAddress)
            .AddHttpMessageHandler<AdminKeyHandler>()
            .UseInteractiveResilience();
        services.AddRefitGeneratedClient<IGatewayApi>(settings)
            .ConfigureHttpClient((provider, client) =>
                client.BaseAddress = provider.GetRequiredService<IOptions<ParaClientOptions>>().Value.GatewayAddress)
            .AddHttpMessageHandler<AdminKeyHandler>()
            .UseInteractiveResilience();
        return services;
    }

    /// <summary>
    /// The console and the CLI are interactive. Completing OAuth redeems a single-use state, and a
    /// container-auth POST starts a job: a retried POST would turn a provider's 502 into "unknown
    /// state", or run a job twice. So no retries for unsafe methods; room for the API's own provider
    /// round trip (up to 30 s) inside one attempt; and short retry delays, so a service that is down
    /// reads as down in about a second instead of after the default 2-4-8 s backoff.
    /// </summary>
    private static IHttpClientBuilder UseInteractiveResilience(this IHttpClientBuilder builder)
    {
        // EXTEXP0001: experimental API, and the documented way to replace the defaults for one client.
#pragma warning disable EXTEXP0001
        builder.RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
        builder.AddStandardResilienceHandler(options =>
        {
            options.Retry.DisableForUnsafeHttpMethods();
            options.Retry.MaxRetryAttempts = 2;
            options.Retry.Delay = TimeSpan.FromMilliseconds(200);
            options.AttemptTimeout.Timeout = TimeSpan.FromSeconds(45);
            options.TotalRequestTimeout.Timeout = TimeSpan.FromSeconds(90);
            options.CircuitBreaker.SamplingDuration = TimeSpan.FromSeconds(90);
        });
        return builder;
    }

    private sealed class AdminKeyHandler(IOptions<ParaClientOptions> options, IConfiguration configuration) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var key = options.Value.AdminKey;
            if (string.IsNullOrWhiteSpace(key))
            {
                key = AdminKey.Load(ParaDataDirectory.Resolve(configuration));
            }

            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
            return base.SendAsync(request, cancellationToken);
        }
    }
}
