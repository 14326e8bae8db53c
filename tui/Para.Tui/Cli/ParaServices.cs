using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Para.Client;
using Para.Contracts;

namespace Para.Tui.Cli;

/// <summary>
/// The console's and the CLI's service container: ServiceDefaults' resilient, discovering
/// HttpClients and the Para Refit clients, configured from the environment the AppHost sets.
/// </summary>
internal static class ParaServices
{
    public static IHost Build()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            DisableDefaults = true,
            ContentRootPath = AppContext.BaseDirectory,
        });
        // Lowest first: the AppHost's default local ports, then whatever the environment says.
        builder.Configuration.AddInMemoryCollection(ServicePorts.LocalDiscoveryDefaults);
        builder.Configuration.AddEnvironmentVariables();
        builder.Logging.ClearProviders();
        builder.AddServiceDefaults();
        // The console draws the screen itself; telemetry logs to the terminal would tear it.
        builder.Logging.ClearProviders();
        builder.Services.AddParaClients(builder.Configuration);
        return builder.Build();
    }
}
