using Para.Contracts;
using Para.Hosting;

var builder = DistributedApplication.CreateBuilder(args);

var accounts = builder.AddProject<Projects.Para_Accounts>(ServiceNames.Accounts)
    .WithHttpHealthCheck("/health");

var containerAuth = builder.AddProject<Projects.Para_ContainerAuth>(ServiceNames.ContainerAuth)
    .WithReference(accounts)
    .WaitFor(accounts)
    .WithHttpHealthCheck("/health");

builder.AddProject<Projects.Para_Tui>(ServiceNames.Console)
    .WithReference(accounts)
    .WithReference(containerAuth)
    .WaitFor(accounts)
    .WaitFor(containerAuth)
    .AsInteractiveConsole();

return await builder.Build().RunAsync();
