using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Para.Accounts.Tests.Infrastructure;
using Para.Client;
using Para.Contracts;
using Para.Hosting;

namespace Para.Tui.Tests.Infrastructure;

/// <summary>
/// Both real services, started with the hosting harness from the AppHost's own resource graph, in
/// a temp data folder, signing accounts in against an in-test OpenIddict server. Container-auth
/// uses the busybox test image and a prefix of its own, so it sees only what these tests create.
/// </summary>
public sealed class ParaServicesFixture : IAsyncLifetime
{
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("para-tui-it-").FullName;

    public OAuthServerFixture OAuth { get; } = new();

    public DistributedApplication App { get; private set; } = null!;

    /// <summary>Images and containers named with this prefix are para's in these tests and no one else's.</summary>
    public string NamePrefix { get; } = $"ptui{Guid.NewGuid():N}"[..12] + "-";

    public string DataDirectory => _dataDirectory;

    public async Task InitializeAsync()
    {
        await OAuth.InitializeAsync();
        App = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Para_AppHost>(options =>
        {
            options.DataDirectory = _dataDirectory;
            var environment = options.EnvironmentForAll;
            environment["Para__OAuth__MaxAuthorizeUrl"] = OAuth.AuthorizeUrl.ToString();
            environment["Para__OAuth__ConsoleAuthorizeUrl"] = OAuth.AuthorizeUrl.ToString();
            environment["Para__OAuth__TokenUrl"] = OAuth.TokenUrl.ToString();
            environment["Para__OAuth__RedirectUri"] = OAuth.RedirectUri.ToString();
            environment["Para__OAuth__ClientId"] = OAuthServerFixture.ClientId;
            environment["Para__OAuth__TokenRequestEncoding"] = "Form";
            environment["Para__OAuth__ApiKeyUrl"] = OAuth.ApiKeyUrl.ToString();
            environment["Para__ContainerAuth__BaseImage"] = "para-test-base:latest";
            environment["Para__ContainerAuth__NamePrefix"] = NamePrefix;
        });
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await App.StartAsync(timeout.Token);
        await App.WaitForResourceHealthyAsync(ServiceNames.Accounts, timeout.Token);
        await App.WaitForResourceHealthyAsync(ServiceNames.ContainerAuth, timeout.Token);
    }

    /// <summary>The Refit clients exactly as the console registers them, aimed at the running services.</summary>
    public ServiceProvider CreateClients()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Para:Client:AccountsAddress"] = App.GetEndpoint(ServiceNames.Accounts).ToString(),
                ["Para:Client:ContainerAuthAddress"] = App.GetEndpoint(ServiceNames.ContainerAuth).ToString(),
                ["Para:Client:AdminKey"] = App.AdminKey,
            })
            .Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddParaClients(configuration);
        return services.BuildServiceProvider();
    }

    /// <summary>What <c>para</c> needs to find both services: the variables the AppHost gives it.</summary>
    public IReadOnlyDictionary<string, string> ConsoleEnvironment => new Dictionary<string, string>
    {
        ["PARA_DATA_DIR"] = _dataDirectory,
        ["services__accounts__http__0"] = App.GetEndpoint(ServiceNames.Accounts).ToString().TrimEnd('/'),
        ["services__container-auth__http__0"] = App.GetEndpoint(ServiceNames.ContainerAuth).ToString().TrimEnd('/'),
    };

    /// <summary>Runs the docker CLI (loopback engine on this machine) and returns its output.</summary>
    public static string Docker(params string[] arguments)
    {
        var start = new ProcessStartInfo("docker") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("docker did not start.");
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0 ? output.Trim() : throw new InvalidOperationException($"docker {arguments[0]} failed: {error.Trim()}");
    }

    public async Task DisposeAsync()
    {
        if (App is not null)
        {
            await App.DisposeAsync();
        }

        await OAuth.DisposeAsync();
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A log file still closing; the temp folder is cleaned by the OS.
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ParaServicesCollection : ICollectionFixture<ParaServicesFixture>
{
    public const string Name = "Both real services";
}
