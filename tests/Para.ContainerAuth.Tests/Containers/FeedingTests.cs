using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Para.ContainerAuth.Credentials;
using Para.ContainerAuth.Events;
using Para.ContainerAuth.Propagation;
using Para.ContainerAuth.Tests.Infrastructure;
using Para.Contracts.ContainerAuth;
using Para.Contracts.Credentials;
using Para.Contracts.Events;

namespace Para.ContainerAuth.Tests.Containers;

/// <summary>Running containers fed the account's current access token in place, on the real engine.</summary>
[Collection(DockerCollection.Name)]
public sealed class FeedingTests(DockerFixture docker)
{
    private const string CredentialsPath = "/home/para/.claude/.credentials.json";

    [Fact]
    public async Task Every_running_container_of_the_account_is_fed_the_new_access_token_in_place_without_a_refresh_token()
    {
        await using var host = docker.CreateHost();
        await host.TagBaseImageAsync();
        var api = host.CreateApi();
        await host.RunAsync(api.SetupAsync(new SetupRequest("alice")));
        var baked = host.Credentials.Issued.Last();
        Assert.False(Assert.Single(await api.ListImagesAsync(), image => image.Name == host.AuthenticatedImage).Stale);
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add(await docker.StartSessionAsync(host.AuthenticatedImage, $"{host.Prefix}agent-{i}"));
        }

        // A started container is fed by the engine's start event; let those feeds land first so the
        // feed below is the last word.
        await host.WaitUntilFedAsync([.. ids]);
        var fresh = host.Credentials.Rotate("alice"); // refreshed at the account API

        var report = await api.FeedContainersAsync("alice");

        Assert.NotEqual(baked.Fingerprint, fresh.Fingerprint);
        Assert.Equal((3, 3), (report.Containers, report.Fed));
        foreach (var id in ids)
        {
            var file = (await host.Engine.ReadFileAsync(id, CredentialsPath, CancellationToken.None))!;
            var oauth = JsonSerializer.Deserialize<ClaudeCredentialsFile>(file.Content)!.ClaudeAiOauth;
            Assert.Equal(fresh.Credentials.ClaudeAiOauth.AccessToken, oauth.AccessToken);
            Assert.Equal("", oauth.RefreshToken);
            Assert.Equal(Convert.ToInt32("600", 8), file.Mode & 0b111_111_111);
            Assert.Equal(1000, file.Uid);
            Assert.Equal("running", (await host.Engine.FindContainerAsync(id, CancellationToken.None))!.Value.Container.State);
        }

        // The image still holds the token it was baked with: a container started from it now starts old.
        Assert.True(Assert.Single(await api.ListImagesAsync(), image => image.Name == host.AuthenticatedImage).Stale);
        Assert.Null(Assert.Single(await api.ListImagesAsync(), image => image.Name == host.BaseImage).Stale);

        var listed = (await api.ListContainersAsync()).Where(container => container.Name.StartsWith($"{host.Prefix}agent-", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, listed.Count);
        Assert.All(listed, container =>
        {
            Assert.Equal("alice", container.Account);
            Assert.Equal(fresh.Fingerprint, container.FedFingerprint);
            Assert.Equal(host.Time.GetUtcNow(), container.LastFedAt);
        });
    }

    [Fact]
    public async Task A_container_removed_while_it_is_fed_is_not_reported_as_a_failed_feed()
    {
        await using var host = docker.CreateHost();
        await host.TagBaseImageAsync();
        var api = host.CreateApi();
        await host.RunAsync(api.SetupAsync(new SetupRequest("alice")));
        var id = await docker.StartSessionAsync(host.AuthenticatedImage, $"{host.Prefix}agent-leaving");
        await host.WaitUntilFedAsync(id);
        var container = (await host.Engine.FindContainerAsync(id, CancellationToken.None))!.Value.Container;
        var hub = host.Services.GetRequiredService<ContainerAuthEventHub>();
        using var listening = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var heard = hub.Subscribe(listening.Token).GetAsyncEnumerator(listening.Token);

        // The user removes it as a refresh reaches it: the feed that was under way meets a missing container.
        await host.Engine.RemoveContainerAsync(id, CancellationToken.None);
        host.Credentials.Rotate("alice");
        var outcome = await host.Services.GetRequiredService<ContainerFeeder>().FeedContainerAsync(container, "alice", CancellationToken.None);

        Assert.False(outcome.Fed);
        // Either the engine's destroy event came first (the container is looked up and missing) or the write met it gone.
        Assert.Equal(ContainerFeeder.GoneMessage, outcome.Message);
        // Everything published during the feed, up to a marker sent after it: no failure among it.
        hub.Publish(new ContainerAuthEvent(ContainerAuthEventTypes.Heartbeat) { Message = "marker" });
        var during = new List<ContainerAuthEvent>();
        while (await heard.MoveNextAsync() && heard.Current.Message != "marker")
        {
            during.Add(heard.Current);
        }

        await heard.DisposeAsync();
        Assert.DoesNotContain(during, change => change.Type == ContainerAuthEventTypes.ContainerFeedFailed);
    }

    [Fact]
    public async Task A_container_started_later_is_fed_by_the_next_pass_and_one_already_fed_is_left_alone()
    {
        await using var host = docker.CreateHost();
        await host.TagBaseImageAsync();
        var api = host.CreateApi();
        await host.RunAsync(api.SetupAsync(new SetupRequest("alice")));
        var first = await docker.StartSessionAsync(host.AuthenticatedImage, $"{host.Prefix}first");
        await host.WaitUntilFedAsync(first);
        await api.FeedContainersAsync("alice");
        var fedFirst = (await host.Engine.ReadFileAsync(first, CredentialsPath, CancellationToken.None))!.Content;

        var later = await docker.StartSessionAsync(host.AuthenticatedImage, $"{host.Prefix}later");
        var feeder = host.Services.GetService(typeof(Para.ContainerAuth.Propagation.ContainerFeeder)) as Para.ContainerAuth.Propagation.ContainerFeeder;
        // This pass, or the one its start event asked for, whichever runs first.
        await feeder!.FeedStaleAsync(CancellationToken.None);
        await host.WaitUntilFedAsync(later);

        Assert.Equal(0, await feeder.FeedStaleAsync(CancellationToken.None));
        var latest = host.Credentials.Issued.Last().Credentials.ClaudeAiOauth.AccessToken;
        var laterFile = JsonSerializer.Deserialize<ClaudeCredentialsFile>((await host.Engine.ReadFileAsync(later, CredentialsPath, CancellationToken.None))!.Content)!;
        Assert.Equal(latest, laterFile.ClaudeAiOauth.AccessToken);
        Assert.Equal(fedFirst, (await host.Engine.ReadFileAsync(first, CredentialsPath, CancellationToken.None))!.Content);
    }

    [Fact]
    public async Task Keys_claude_code_writes_beside_the_tokens_between_two_feeds_stay()
    {
        await using var host = docker.CreateHost();
        await host.TagBaseImageAsync();
        var api = host.CreateApi();
        await host.RunAsync(api.SetupAsync(new SetupRequest("alice")));
        var id = await docker.StartSessionAsync(host.AuthenticatedImage, $"{host.Prefix}agent");
        await host.WaitUntilFedAsync(id);
        await api.FeedContainersAsync("alice");
        var held = JsonSerializer.Deserialize<ClaudeCredentialsFile>((await host.Engine.ReadFileAsync(id, CredentialsPath, CancellationToken.None))!.Content)!;

        // Claude Code signs in to an MCP server: it rewrites the file with its own key beside Para's.
        var rewritten = "{\"claudeAiOauth\":" + JsonSerializer.Serialize(held.ClaudeAiOauth) + ",\"mcpOAuth\":{\"linear\":{\"accessToken\":\"mcp-token\"}}}";
        await ExecAsync(id, $"printf '%s' '{rewritten}' > {CredentialsPath}");
        var report = await api.FeedContainersAsync("alice");

        Assert.Equal(1, report.Fed);
        var file = JsonDocument.Parse((await host.Engine.ReadFileAsync(id, CredentialsPath, CancellationToken.None))!.Content).RootElement;
        Assert.Equal(host.Credentials.Issued.Last().Credentials.ClaudeAiOauth.AccessToken, file.GetProperty("claudeAiOauth").GetProperty("accessToken").GetString());
        Assert.Equal("mcp-token", file.GetProperty("mcpOAuth").GetProperty("linear").GetProperty("accessToken").GetString());

        // And a feed over a file nobody touched since keeps them too (its content is known, not read).
        await api.FeedContainersAsync("alice");
        var again = JsonDocument.Parse((await host.Engine.ReadFileAsync(id, CredentialsPath, CancellationToken.None))!.Content).RootElement;
        Assert.Equal(host.Credentials.Issued.Last().Credentials.ClaudeAiOauth.AccessToken, again.GetProperty("claudeAiOauth").GetProperty("accessToken").GetString());
        Assert.Equal("mcp-token", again.GetProperty("mcpOAuth").GetProperty("linear").GetProperty("accessToken").GetString());
    }

    [Fact]
    public async Task Feeding_an_account_with_no_running_container_says_so()
    {
        await using var host = docker.CreateHost();
        var api = host.CreateApi();

        var report = await api.FeedContainersAsync("nobody");

        Assert.Equal((0, 0), (report.Containers, report.Fed));
        Assert.Empty(report.Outcomes);
    }

    /// <summary>A shell command run inside the container as its user, the way a tool there writes files.</summary>
    private static async Task ExecAsync(string container, string script)
    {
        using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("docker", ["exec", "-u", "1000", container, "sh", "-c", script])
        {
            RedirectStandardError = true,
        })!;
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, error);
    }
}
