using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Para.Client;

namespace Para.IntegrationTests.Infrastructure;

public static class ParaClients
{
    /// <summary>The Refit clients exactly as the console and the CLI register them, aimed at these services.</summary>
    public static ServiceProvider Create(Uri accounts, Uri containerAuth, string adminKey)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Para:Client:AccountsAddress"] = accounts.ToString(),
                ["Para:Client:ContainerAuthAddress"] = containerAuth.ToString(),
                ["Para:Client:AdminKey"] = adminKey,
            })
            .Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddParaClients(configuration);
        return services.BuildServiceProvider();
    }
}
