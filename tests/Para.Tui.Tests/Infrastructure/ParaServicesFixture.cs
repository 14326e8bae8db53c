using Microsoft.Extensions.DependencyInjection;
using Para.Accounts.Tests.Infrastructure;
using Para.IntegrationTests.Infrastructure;

namespace Para.Tui.Tests.Infrastructure;

/// <summary>
/// Both real services, started by the real AppHost under Aspire's test host in a temp data
/// folder, signing accounts in against an in-test OpenIddict server. Container-auth uses the
/// busybox test image and a prefix of its own, so it sees only what these tests create.
/// </summary>
public sealed class ParaServicesFixture : IAsyncLifetime
{
    public OAuthServerFixture OAuth { get; } = new();

    public ParaAppHost Host { get; private set; } = null!;

    /// <summary>Images and containers named with this prefix are para's in these tests and no one else's.</summary>
    public string NamePrefix => Host.NamePrefix;

    public string DataDirectory => Host.DataDirectory;

    public async Task InitializeAsync()
    {
        await OAuth.InitializeAsync();
        Host = await ParaAppHost.StartAsync(OAuth);
    }

    /// <summary>The Refit clients exactly as the console registers them, aimed at the running services.</summary>
    public ServiceProvider CreateClients() => Host.CreateClients();

    /// <summary>What <c>para</c> needs to find both services: the variables the AppHost gives it.</summary>
    public IReadOnlyDictionary<string, string> ConsoleEnvironment => Host.ConsoleEnvironment;

    /// <summary>Runs the docker CLI (loopback engine on this machine) and returns its output.</summary>
    public static string Docker(params string[] arguments) => IntegrationTests.Infrastructure.Docker.Run(arguments);

    public async Task DisposeAsync()
    {
        if (Host is not null)
        {
            await Host.DisposeAsync();
        }

        await OAuth.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class ParaServicesCollection : ICollectionFixture<ParaServicesFixture>
{
    public const string Name = "Both real services";
}
