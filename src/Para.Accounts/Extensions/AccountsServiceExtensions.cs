using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Para.Accounts.Accounts;
using Para.Accounts.Events;
using Para.Accounts.Gateway;
using Para.Accounts.Holders;
using Para.Accounts.OAuth;
using Para.Accounts.Storage;
using Para.Accounts.Tokens;
using Para.ServiceDefaults.Security;

namespace Microsoft.Extensions.Hosting;

public static class AccountsServiceExtensions
{
    private const string ServiceDiscoveryHandlerTypeName = "Microsoft.Extensions.ServiceDiscovery.Http.ResolvingHttpDelegatingHandler";

    /// <summary>The store, the OAuth flow and its provider client, the event hub, and the token manager with its refresher.</summary>
    public static IHostApplicationBuilder AddAccountServices(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<OAuthOptions>().Bind(builder.Configuration.GetSection(OAuthOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<OAuthOptions>, OAuthOptionsValidator>();

        services.AddSingleton(provider =>
        {
            var configuration = provider.GetRequiredService<IConfiguration>();
            var dataDirectory = ParaDataDirectory.Resolve(configuration);
            return AccountStore.Open(dataDirectory, DatabasePassword.Resolve(configuration, dataDirectory));
        });
        services.AddSingleton<AccountListCache>();
        services.AddSingleton<AccountEventHub>();
        services.AddSingleton<OAuthFlow>();
        services.AddSingleton<OAuthTokenClient>();

        services.AddOptions<TokenManagerOptions>().Bind(builder.Configuration.GetSection(TokenManagerOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<TokenManagerOptions>, TokenManagerOptionsValidator>();
        services.AddSingleton<RefreshSchedule>();
        services.AddMetrics();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<TokenMetrics>();
        services.AddOptions<TokenHoldersOptions>().Bind(builder.Configuration.GetSection(TokenHoldersOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<TokenHoldersOptions>, TokenHoldersOptionsValidator>();
        services.AddSingleton<ITokenHolders, ContainerAuthHolders>();
        services.AddSingleton<Para.Accounts.Gateway.ProviderVerdicts>();
        services.AddSingleton<TokenManager>();
        services.AddHostedService<TokenRefreshService>();
        // No retries: a retried code or refresh-token request presents a used, single-use credential.
        // EXTEXP0001: the API is marked experimental; it is the documented way to undo the defaults.
#pragma warning disable EXTEXP0001
        services.AddHttpClient(OAuthTokenClient.HttpClientName).RemoveAllResilienceHandlers()
            // The provider's endpoints are absolute URLs, never service names. Without the resolver a
            // token request cannot meet the resolver's idle-entry clean-up mid-flight (seen as a
            // "task already completed" failure). The handler type is internal, hence the name.
            .ConfigureAdditionalHttpMessageHandlers((handlers, _) =>
            {
                foreach (var resolver in handlers.Where(handler => handler.GetType().FullName == ServiceDiscoveryHandlerTypeName).ToList())
                {
                    handlers.Remove(resolver);
                }
            });
        // One attempt: the refresh waits for it, and a failed question only defers the refresh to the next pass.
        services.AddHttpClient(ContainerAuthHolders.HttpClientName).RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
        return builder;
    }

    /// <summary>
    /// Opens the account database, then serves until stopped. A second instance, a wrong database
    /// password or invalid settings stop it at start with one line on stderr and exit code 1,
    /// never a stack trace; the line names the process that holds the database.
    /// </summary>
    public static async Task<int> RunAccountsAsync(this WebApplication app)
    {
        try
        {
            // Validated here too (ValidateOnStart would also catch them) so the failure is not logged with a stack trace first.
            _ = app.Services.GetRequiredService<IOptions<OAuthOptions>>().Value;
            _ = app.Services.GetRequiredService<IOptions<TokenManagerOptions>>().Value;
            _ = app.Services.GetRequiredService<IOptions<TokenHoldersOptions>>().Value;
            _ = app.Services.GetRequiredService<AccountStore>();
            await app.RunAsync();
            return 0;
        }
        catch (AccountStoreOpenException exception)
        {
            return await FailAsync(exception.Message);
        }
        catch (OptionsValidationException exception)
        {
            return await FailAsync(string.Join(" ", exception.Failures));
        }

        static async Task<int> FailAsync(string message)
        {
            await Console.Error.WriteLineAsync($"para-accounts: {message}");
            return 1;
        }
    }

    public static WebApplication MapAccountApis(this WebApplication app)
    {
        app.MapAccountsApi();
        app.MapOAuthApi();
        app.MapEventsApi();
        app.MapTokenHealthApi();
        app.MapGatewayApi();
        return app;
    }
}
