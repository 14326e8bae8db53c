using Microsoft.Extensions.DependencyInjection;
using Para.Client;
using Para.Contracts;
using Para.ServiceDefaults.Security;

namespace Para.AppHost.Commands;

public static class ParaServiceClients
{
    /// <summary>
    /// The same Refit clients the console and the CLI use, aimed at the services' endpoints. The
    /// addresses are read when a command first runs: DCP allocates them only once the app starts.
    /// </summary>
    public static IDistributedApplicationBuilder AddParaServiceClients(this IDistributedApplicationBuilder builder, AppHostSettings settings)
    {
        builder.Services.AddParaClients(builder.Configuration);
        builder.Services.AddOptions<ParaClientOptions>().Configure<DistributedApplicationModel>((options, model) =>
        {
            options.AccountsAddress = ParaServiceResources.HttpEndpointOf(model, ServiceNames.Accounts);
            options.ContainerAuthAddress = ParaServiceResources.HttpEndpointOf(model, ServiceNames.ContainerAuth);
            options.GatewayAddress = ParaServiceResources.HttpEndpointOf(model, ServiceNames.Gateway);
            options.AdminKey = AdminKey.Load(settings.DataDirectory);
        });
        return builder;
    }
}
