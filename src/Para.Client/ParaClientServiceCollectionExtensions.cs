using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Para.ServiceDefaults.Security;
using Refit;

namespace Para.Client;

public static class ParaClientServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="IAccountsApi"/> and <see cref="IContainerAuthApi"/>. Resilience and
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
            .AddHttpMessageHandler<AdminKeyHandler>();
        services.AddRefitGeneratedClient<IContainerAuthApi>(settings)
            .ConfigureHttpClient((provider, client) =>
                client.BaseAddress = provider.GetRequiredService<IOptions<ParaClientOptions>>().Value.ContainerAuthAddress)
            .AddHttpMessageHandler<AdminKeyHandler>();
        return services;
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
