using Microsoft.Extensions.Options;
using Para.Accounts.Accounts;
using Para.Accounts.Events;
using Para.Accounts.OAuth;
using Para.Accounts.Storage;
using Para.Accounts.Tokens;
using Para.ServiceDefaults.Security;

namespace Microsoft.Extensions.Hosting;

public static class AccountsServiceExtensions
{
    /// <summary>The store, the OAuth flow and its provider client, the event hub, and the token manager with its refresher.</summary>
    public static IHostApplicationBuilder AddAccountServices(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddProblemDetails();
        services.AddOptions<OAuthOptions>().Bind(builder.Configuration.GetSection(OAuthOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<OAuthOptions>, OAuthOptionsValidator>();

        services.AddSingleton(provider =>
        {
            var configuration = provider.GetRequiredService<IConfiguration>();
            var dataDirectory = ParaDataDirectory.Resolve(configuration);
            return AccountStore.Open(dataDirectory, DatabasePassword.Resolve(configuration, dataDirectory));
        });
        services.AddSingleton<AccountEventHub>();
        services.AddSingleton<OAuthFlow>();
        services.AddSingleton<OAuthTokenClient>();

        services.AddOptions<TokenManagerOptions>().Bind(builder.Configuration.GetSection(TokenManagerOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<TokenManagerOptions>, TokenManagerOptionsValidator>();
        services.AddSingleton<TokenManager>();
        services.AddSingleton<IAccountTokenService>(provider => provider.GetRequiredService<TokenManager>());
        services.AddHostedService<TokenRefreshService>();
        // No retries: a retried code or refresh-token request presents a used, single-use credential.
        // EXTEXP0001: the API is marked experimental; it is the documented way to undo the defaults.
#pragma warning disable EXTEXP0001
        services.AddHttpClient(OAuthTokenClient.HttpClientName).RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
        return builder;
    }

    /// <summary>
    /// Opens the account database before serving, so a second instance stops at start with one line
    /// naming the process that holds the database, instead of a stack trace on the first request.
    /// </summary>
    public static bool TryOpenAccountStore(this WebApplication app, out string? failure)
    {
        try
        {
            _ = app.Services.GetRequiredService<AccountStore>();
            failure = null;
            return true;
        }
        catch (StoreLockedException exception)
        {
            failure = exception.Message;
        }
        catch (InvalidOperationException exception)
        {
            failure = exception.Message;
        }

        return false;
    }

    public static WebApplication MapAccountApis(this WebApplication app)
    {
        app.MapAccountsApi();
        app.MapOAuthApi();
        app.MapEventsApi();
        app.MapTokenHealthApi();
        return app;
    }
}
