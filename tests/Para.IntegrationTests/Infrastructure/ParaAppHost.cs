using System.Net.Http.Headers;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Para.Accounts.Tests.Infrastructure;
using Para.Client;
using Para.Contracts;
using Para.ServiceDefaults.Security;

namespace Para.IntegrationTests.Infrastructure;

/// <summary>
/// The real AppHost (its own Program, resources, commands) started by Aspire's test host in a
/// temp data folder, on random ports, with the services signing accounts in against an in-test
/// OpenIddict server and container-auth working on the busybox test image under a prefix of its
/// own, so it sees only what the test that started it creates.
/// </summary>
public sealed class ParaAppHost : IAsyncDisposable
{
    private ParaAppHost(DistributedApplication app, string dataDirectory, string namePrefix)
    {
        App = app;
        DataDirectory = dataDirectory;
        NamePrefix = namePrefix;
    }

    public DistributedApplication App { get; }

    public string DataDirectory { get; }

    /// <summary>Images and containers named with this prefix are this app's and no one else's.</summary>
    public string NamePrefix { get; }

    public string AdminKey => Para.ServiceDefaults.Security.AdminKey.Load(DataDirectory);

    public static async Task<ParaAppHost> StartAsync(OAuthServerFixture? oauth, Action<IDistributedApplicationTestingBuilder>? configure = null)
    {
        var dataDirectory = Directory.CreateTempSubdirectory("para-it-").FullName;
        var namePrefix = $"pit{Guid.NewGuid():N}"[..11] + "-";
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Para_AppHost>(
            [$"--Para:DataDirectory={dataDirectory}"], timeout.Token);

        var environment = new Dictionary<string, string>
        {
            ["Para__ContainerAuth__BaseImage"] = "para-test-base:latest",
            ["Para__ContainerAuth__NamePrefix"] = namePrefix,
            // Never the user's own para-authenticated:latest, nor another test run's.
            ["Para__ContainerAuth__AuthenticatedImage"] = $"{namePrefix}authenticated:latest",
        };
        if (oauth is not null)
        {
            foreach (var (name, value) in AppHostLaunch.OAuthEnvironment(oauth))
            {
                environment[name] = value;
            }
        }

        foreach (var resource in builder.Resources.OfType<ProjectResource>().ToList())
        {
            var resourceBuilder = builder.CreateResourceBuilder(resource);
            foreach (var (name, value) in environment)
            {
                resourceBuilder.WithEnvironment(name, value);
            }
        }

        configure?.Invoke(builder);
        var app = await builder.BuildAsync(timeout.Token);
        try
        {
            await app.StartAsync(timeout.Token);
            await app.ResourceNotifications.WaitForResourceHealthyAsync(ServiceNames.Accounts, timeout.Token);
            await app.ResourceNotifications.WaitForResourceHealthyAsync(ServiceNames.ContainerAuth, timeout.Token);
            await app.ResourceNotifications.WaitForResourceHealthyAsync(ServiceNames.Gateway, timeout.Token);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        return new ParaAppHost(app, dataDirectory, namePrefix);
    }

    public Uri Endpoint(string resource) => App.GetEndpoint(resource, "http");

    /// <summary>An HttpClient on the service, presenting the admin key as every Para client does.</summary>
    public HttpClient CreateAdminClient(string resource)
    {
        var client = App.CreateHttpClient(resource, "http");
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
        return client;
    }

    /// <summary>The Refit clients exactly as the console and the CLI register them, aimed at this app.</summary>
    public ServiceProvider CreateClients() =>
        ParaClients.Create(Endpoint(ServiceNames.Accounts), Endpoint(ServiceNames.ContainerAuth), AdminKey);

    /// <summary>What <c>para</c> needs to find both services: the variables the AppHost gives it.</summary>
    public IReadOnlyDictionary<string, string> ConsoleEnvironment => new Dictionary<string, string>
    {
        [ParaDataDirectory.EnvironmentVariable] = DataDirectory,
        ["services__accounts__http__0"] = Endpoint(ServiceNames.Accounts).ToString().TrimEnd('/'),
        ["services__container-auth__http__0"] = Endpoint(ServiceNames.ContainerAuth).ToString().TrimEnd('/'),
    };

    public async ValueTask DisposeAsync()
    {
        await App.DisposeAsync();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A log file still closing; the temp folder is cleaned by the OS.
        }
    }
}
