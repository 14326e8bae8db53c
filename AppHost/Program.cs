using Para.AppHost;
using Para.AppHost.Commands;
using Para.AppHost.Running;
using Para.Contracts;
using Para.ServiceDefaults.Security;

var settings = AppHostSettings.FromArguments(ref args);
var builder = DistributedApplication.CreateBuilder(args);
settings.Configure(builder);

var accounts = builder.AddProject<Projects.Para_Accounts>(ServiceNames.Accounts)
    .WithEnvironment(ParaDataDirectory.EnvironmentVariable, settings.DataDirectory)
    .WithEndpoint("http", endpoint => endpoint.Port = settings.PortOf(ServiceNames.Accounts))
    .WithHttpHealthCheck(AppHostSettings.ReadinessPath)
    .WithAccountCommands()
    .WithMetricExportInterval(settings);

var containerAuth = builder.AddProject<Projects.Para_ContainerAuth>(ServiceNames.ContainerAuth)
    .WithEnvironment(ParaDataDirectory.EnvironmentVariable, settings.DataDirectory)
    .WithReference(accounts)
    .WaitFor(accounts)
    .WithEndpoint("http", endpoint => endpoint.Port = settings.PortOf(ServiceNames.ContainerAuth))
    .WithHttpHealthCheck(AppHostSettings.ReadinessPath)
    .WithContainerAuthCommands()
    .WithMetricExportInterval(settings);

// The account API asks container-auth for the tokens of containers that hold a handed-out refresh
// token before it refreshes one (docs/decisions/0012). A reference, not a wait: container-auth
// waits for accounts, and a missing container-auth only defers those refreshes.
accounts.WithReference(containerAuth);

// Claude traffic: /v1/* on a gateway key, forwarded on the chosen account's token. Tokens, keys and
// the account list come from the account API, and its event stream drops them when they change.
builder.AddProject<Projects.Para_Gateway>(ServiceNames.Gateway)
    .WithEnvironment(ParaDataDirectory.EnvironmentVariable, settings.DataDirectory)
    .WithReference(accounts)
    .WaitFor(accounts)
    .WithEndpoint("http", endpoint => endpoint.Port = settings.PortOf(ServiceNames.Gateway))
    .WithHttpHealthCheck(AppHostSettings.ReadinessPath)
    .WithMetricExportInterval(settings);

builder.AddParaServiceClients(settings);

var app = builder.Build();
return await ParaRun.RunAsync(app, settings);
