using System.Net;
using System.Text.Json;
using Docker.DotNet;
using Docker.DotNet.Models;
using Para.ContainerAuth.Credentials;
using Para.ContainerAuth.Docker;
using Para.ContainerAuth.Tests.Infrastructure;
using Para.Contracts.Credentials;

namespace Para.ContainerAuth.Tests.Containers;

/// <summary>
/// With the opt-in refresh token, Claude Code in a container may refresh by itself: its file then
/// holds tokens newer than the account API's. Container-auth hands those back (the harvest) and
/// never overwrites them with older ones. On the real engine.
/// </summary>
[Collection(DockerCollection.Name)]
public sealed class HarvestTests(DockerFixture docker)
{
    private const string CredentialsPath = "/home/para/.claude/.credentials.json";
    private static readonly CredentialHome ParaHome = new("/home/para", 1000, 1000);

    [Fact]
    public async Task The_harvest_returns_the_newest_credentials_of_the_accounts_containers_stopped_ones_included()
    {
        await using var host = docker.CreateHost(settings => settings["Para:ContainerAuth:IncludeRefreshToken"] = "true");
        var api = host.CreateApi();
        await StartAsync(host, "alice-1", "alice");
        var second = await StartAsync(host, "alice-2", "alice");
        await StartAsync(host, "bob-1", "bob");
        Assert.Equal(2, (await api.FeedContainersAsync("alice")).Fed);
        Assert.Equal(1, (await api.FeedContainersAsync("bob")).Fed);
        var fedToAlice = host.Credentials.Issued.First(export => export.AccountName == "alice").Credentials.ClaudeAiOauth;

        // Claude Code in alice-2 refreshed by itself, then the container stopped.
        var selfRefreshed = fedToAlice with { AccessToken = "self-access", RefreshToken = "self-refresh", ExpiresAt = fedToAlice.ExpiresAt + 3_600_000 };
        await WriteAsync(host, second, selfRefreshed);
        using (var client = new DockerClientBuilder().WithEndpoint(host.Engine.Endpoint).Build())
        {
            await client.Containers.StopContainerAsync(second, new ContainerStopParameters { WaitBeforeKillSeconds = 0 });
        }

        var alice = await api.HarvestCredentialsAsync("alice");
        var bob = await api.HarvestCredentialsAsync("bob");
        var nobody = await api.HarvestCredentialsAsync("nobody");

        Assert.Equal((2, $"{host.Prefix}alice-2", TokenFingerprint.Of("self-access")), (alice.ContainersRead, alice.Holder, alice.Fingerprint));
        Assert.Equal(("self-access", "self-refresh"), (alice.Newest!.AccessToken, alice.Newest.RefreshToken));
        Assert.Equal((1, $"{host.Prefix}bob-1"), (bob.ContainersRead, bob.Holder));
        Assert.StartsWith("fake-access-bob-", bob.Newest!.AccessToken, StringComparison.Ordinal);
        Assert.Equal((0, null, null), (nobody.ContainersRead, nobody.Holder, nobody.Newest));
        Assert.DoesNotContain("self-refresh", alice.ToString(), StringComparison.Ordinal);

        using var raw = host.CreateAdminClient();
        using var unnamed = await raw.PostAsync(new Uri("/api/containers/credentials/harvest", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.BadRequest, unnamed.StatusCode);
        Assert.Contains("?account=", await unnamed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_feed_never_overwrites_a_container_holding_newer_tokens_than_the_accounts()
    {
        await using var host = docker.CreateHost(settings => settings["Para:ContainerAuth:IncludeRefreshToken"] = "true");
        var api = host.CreateApi();
        var refreshedInside = await StartAsync(host, "agent-1", "alice");
        var other = await StartAsync(host, "agent-2", "alice");
        await api.FeedContainersAsync("alice");
        var fed = host.Credentials.Issued.Last().Credentials.ClaudeAiOauth;
        var selfRefreshed = fed with { AccessToken = "self-access", RefreshToken = "self-refresh", ExpiresAt = fed.ExpiresAt + TimeSpan.FromDays(60).Ticks / TimeSpan.TicksPerMillisecond };
        await WriteAsync(host, refreshedInside, selfRefreshed);

        var report = await api.FeedContainersAsync("alice");

        var kept = Assert.Single(report.Outcomes, outcome => outcome.Container == $"{host.Prefix}agent-1");
        Assert.False(kept.Fed);
        Assert.Contains("newer tokens", kept.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("self-", kept.Message, StringComparison.Ordinal);
        Assert.Equal("self-refresh", (await ReadAsync(host, refreshedInside)).RefreshToken);
        Assert.Equal(host.Credentials.Issued.Last().Credentials.ClaudeAiOauth.RefreshToken, (await ReadAsync(host, other)).RefreshToken);
    }

    [Fact]
    public async Task An_assigned_container_is_harvested_for_the_account_it_is_assigned_to_not_its_label()
    {
        await using var host = docker.CreateHost(settings => settings["Para:ContainerAuth:IncludeRefreshToken"] = "true");
        var api = host.CreateApi();
        await StartAsync(host, "labelled-bob", "bob");
        await api.AssignAccountAsync($"{host.Prefix}labelled-bob", new Para.Contracts.ContainerAuth.ContainerAccountRequest("alice"));
        await api.FeedContainersAsync("alice");

        var alice = await api.HarvestCredentialsAsync("alice");
        var bob = await api.HarvestCredentialsAsync("bob");

        Assert.Equal((1, $"{host.Prefix}labelled-bob"), (alice.ContainersRead, alice.Holder));
        Assert.StartsWith("fake-access-alice-", alice.Newest!.AccessToken, StringComparison.Ordinal);
        Assert.Equal((0, null), (bob.ContainersRead, bob.Holder));
    }

    private static async Task<string> StartAsync(ContainerAuthHost host, string name, string account)
    {
        var id = await host.Engine.CreateContainerAsync(
            new Para.ContainerAuth.Docker.ContainerSpec(host.Docker.UserBaseImage, host.Prefix + name, ["/bin/sleep", "600"], new Dictionary<string, string> { [CredentialLabels.Account] = account }),
            CancellationToken.None);
        await host.Engine.StartContainerAsync(id, CancellationToken.None);
        return id;
    }

    /// <summary>What Claude Code leaves after refreshing by itself.</summary>
    private static async Task WriteAsync(ContainerAuthHost host, string container, ClaudeAiOauth tokens)
    {
        var export = host.Credentials.Issued.Last() with { Credentials = new ClaudeCredentialsFile(tokens) };
        using var archive = CredentialArchive.CreateFeed(ParaHome, CredentialArchive.MergeCredentials(null, export), host.Time.GetUtcNow());
        await host.Engine.UploadArchiveAsync(container, ParaHome.Home, archive, CancellationToken.None);
    }

    private static async Task<ClaudeAiOauth> ReadAsync(ContainerAuthHost host, string container) =>
        JsonSerializer.Deserialize<ClaudeCredentialsFile>((await host.Engine.ReadFileAsync(container, CredentialsPath, CancellationToken.None))!.Content)!.ClaudeAiOauth;
}
