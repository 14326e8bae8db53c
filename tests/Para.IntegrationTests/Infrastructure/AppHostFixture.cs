using Para.Accounts.Tests.Infrastructure;

namespace Para.IntegrationTests.Infrastructure;

/// <summary>One running AppHost (and its OAuth server) shared by the tests of a collection.</summary>
public sealed class AppHostFixture : IAsyncLifetime
{
    public OAuthServerFixture OAuth { get; } = new();

    public ParaAppHost Host { get; private set; } = null!;

    /// <summary>Stands in for the person at the dashboard when a command prompts.</summary>
    public ScriptedDashboardUser User { get; } = new();

    public async Task InitializeAsync()
    {
        await OAuth.InitializeAsync();
        Host = await ParaAppHost.StartAsync(OAuth, builder => User.ReplaceInteractionService(builder));
    }

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
public sealed class AppHostCollection : ICollectionFixture<AppHostFixture>
{
    public const string Name = "The real AppHost";
}
