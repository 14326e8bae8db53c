using System.Diagnostics;
using System.Text.Json;
using Docker.DotNet;
using Docker.DotNet.Models;
using Microsoft.Extensions.DependencyInjection;
using Para.ContainerAuth.Propagation;
using Para.ContainerAuth.Tests.Infrastructure;
using Para.Contracts.ContainerAuth;
using Para.Contracts.Credentials;
using Para.Contracts.Events;
using Xunit.Abstractions;

namespace Para.ContainerAuth.Tests.Containers;

/// <summary>Containers picked up from the engine's event stream, on the real engine.</summary>
[Collection(DockerCollection.Name)]
public sealed class EngineEventFeedingTests(DockerFixture docker, ITestOutputHelper output)
{
    private const string CredentialsPath = "/home/para/.claude/.credentials.json";

    // An hour between scans, on a clock the test never moves: only the engine's event can feed.
    private static void ScanOnlyHourly(Dictionary<string, string?> settings) => settings["Para:ContainerAuth:FeedScanInterval"] = "01:00:00";

    [Fact]
    public async Task A_container_started_from_an_authenticated_image_holds_the_accounts_token_within_seconds_with_no_scan()
    {
        await using var host = docker.CreateHost(ScanOnlyHourly);
        await host.TagBaseImageAsync();
        var api = host.CreateApi();
        await host.RunAsync(api.SetupAsync(new SetupRequest("alice")));
        await using var events = new EventRecorder(host);
        await events.ConnectedAsync();
        await FollowingAsync(host, events);

        var clock = Stopwatch.StartNew();
        var id = await docker.StartSessionAsync(host.AuthenticatedImage, $"{host.Prefix}agent");
        var started = clock.Elapsed;
        var fed = await events.WaitForAsync(change => change.Type == ContainerAuthEventTypes.ContainerFed && change.ContainerId == id);
        var tookFromStart = clock.Elapsed - started;
        output.WriteLine($"container start → fed: {tookFromStart.TotalMilliseconds:0} ms");

        var file = (await host.Engine.ReadFileAsync(id, CredentialsPath, CancellationToken.None))!;
        var oauth = JsonSerializer.Deserialize<ClaudeCredentialsFile>(file.Content)!.ClaudeAiOauth;
        var latest = host.Credentials.Issued.Last();
        Assert.Equal(latest.Credentials.ClaudeAiOauth.AccessToken, oauth.AccessToken);
        Assert.Equal("", oauth.RefreshToken);
        Assert.Equal(Convert.ToInt32("600", 8), file.Mode & 0b111_111_111);
        Assert.True(tookFromStart < TimeSpan.FromSeconds(5), $"fed {tookFromStart} after the start");

        // The event names the container, its account and the token by fingerprint only.
        Assert.Equal(($"{host.Prefix}agent", "alice", latest.Fingerprint), (fed.Container, fed.Account, fed.Fingerprint));
        Assert.Equal(latest.ExpiresAt, fed.ExpiresAt);
        Assert.Equal(CredentialStatus.Valid, fed.Status);
        var startedEvent = Assert.Single(events.Events, change => change.Type == ContainerAuthEventTypes.ContainerStarted && change.ContainerId == id);
        Assert.Equal("alice", startedEvent.Account);
        Assert.DoesNotContain("fake-access", events.Json, StringComparison.Ordinal);
        Assert.DoesNotContain("fake-refresh", events.Json, StringComparison.Ordinal);

        var listed = Assert.Single(await api.ListContainersAsync(), container => container.Id == id);
        Assert.Equal((latest.Fingerprint, host.Time.GetUtcNow()), (listed.FedFingerprint, listed.LastFedAt));
    }

    [Fact]
    public async Task A_stopped_container_is_announced_and_forgotten_so_it_is_fed_again_when_it_starts_and_its_removal_is_announced()
    {
        await using var host = docker.CreateHost(ScanOnlyHourly);
        await host.TagBaseImageAsync();
        var api = host.CreateApi();
        await host.RunAsync(api.SetupAsync(new SetupRequest("alice")));
        await using var events = new EventRecorder(host);
        await events.ConnectedAsync();
        await FollowingAsync(host, events);
        var id = await docker.StartSessionAsync(host.AuthenticatedImage, $"{host.Prefix}agent");
        await events.WaitForAsync(change => change.Type == ContainerAuthEventTypes.ContainerFed && change.ContainerId == id);
        var ledger = host.Services.GetRequiredService<FeedLedger>();
        Assert.NotNull(ledger.LastFed(id));

        using (var client = new DockerClientBuilder().WithEndpoint(docker.Engine.Endpoint).Build())
        {
            await client.Containers.StopContainerAsync(id, new ContainerStopParameters { WaitBeforeKillSeconds = 1 });
        }

        await events.WaitForAsync(change => change.Type == ContainerAuthEventTypes.ContainerStopped && change.ContainerId == id);
        // While it is stopped, token changes pass it by: the ledger must not claim it holds the latest.
        await WaitUntilAsync(() => ledger.LastFed(id) is null);

        await docker.Engine.StartContainerAsync(id, CancellationToken.None);
        Assert.Equal(2, await WaitForCountAsync(events, change => change.Type == ContainerAuthEventTypes.ContainerFed && change.ContainerId == id, 2));

        await host.Engine.RemoveContainerAsync(id, CancellationToken.None);
        var removed = await events.WaitForAsync(change => change.Type == ContainerAuthEventTypes.ContainerRemoved && change.ContainerId == id);
        Assert.Equal($"{host.Prefix}agent", removed.Container);
    }

    [Fact]
    public async Task When_the_engine_goes_away_and_comes_back_the_follower_reconnects_and_feeds_what_started_meanwhile()
    {
        var folder = Directory.CreateTempSubdirectory("para-events-docker-");
        var socket = Path.Combine(folder.FullName, "docker.sock");
        try
        {
            var forwarder = new UnixSocketForwarder(socket, docker.Engine.Endpoint.AbsolutePath);
            await using var host = docker.CreateHost(settings =>
            {
                ScanOnlyHourly(settings);
                settings["Para:Docker:Endpoint"] = $"unix://{socket}";
            });
            await host.TagBaseImageAsync();
            var api = host.CreateApi();
            await host.RunAsync(api.SetupAsync(new SetupRequest("alice")));
            await using var events = new EventRecorder(host);
            await events.ConnectedAsync();
            await FollowingAsync(host, events);
            var follower = host.Services.GetRequiredService<EngineEventFollower>();

            await forwarder.DisposeAsync();
            File.Delete(socket);
            await WaitUntilAsync(() => !follower.IsFollowing);
            // Started while Para cannot see the engine: no event will ever say so.
            var id = await docker.StartSessionAsync(host.AuthenticatedImage, $"{host.Prefix}meanwhile");
            await using var back = new UnixSocketForwarder(socket, docker.Engine.Endpoint.AbsolutePath);

            // The reconnect waits on the service's clock (1 s, doubling): move it until it is back.
            await WaitUntilAsync(() =>
            {
                host.Time.Advance(TimeSpan.FromSeconds(1));
                return events.Events.Any(change => change.Type == ContainerAuthEventTypes.EngineReconnected);
            });
            await events.WaitForAsync(change => change.Type == ContainerAuthEventTypes.ContainerFed && change.ContainerId == id);
            var oauth = JsonSerializer.Deserialize<ClaudeCredentialsFile>((await docker.Engine.ReadFileAsync(id, CredentialsPath, CancellationToken.None))!.Content)!.ClaudeAiOauth;
            Assert.Equal(host.Credentials.Issued.Last().Credentials.ClaudeAiOauth.AccessToken, oauth.AccessToken);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    /// <summary>The follower is subscribed once an image tagged under the prefix comes back as an event.</summary>
    private static async Task FollowingAsync(ContainerAuthHost host, EventRecorder events)
    {
        var follower = host.Services.GetRequiredService<EngineEventFollower>();
        await WaitUntilAsync(() => follower.IsFollowing);
        var probe = $"{host.Prefix}probe-{Guid.NewGuid().ToString("n")[..6]}:latest";
        await WaitUntilAsync(async () =>
        {
            await host.Engine.TagImageAsync(host.Docker.UserBaseImage, probe, CancellationToken.None);
            try
            {
                await events.WaitForAsync(change => change.Type == ContainerAuthEventTypes.ImageTagged && change.Image == probe, TimeSpan.FromSeconds(1));
                return true;
            }
            catch (Xunit.Sdk.XunitException)
            {
                return false;
            }
        });
        await host.Engine.RemoveImageAsync(probe, CancellationToken.None);
    }

    private static async Task<int> WaitForCountAsync(EventRecorder events, Func<ContainerAuthEvent, bool> match, int count)
    {
        await WaitUntilAsync(() => events.Events.Count(match) >= count);
        return events.Events.Count(match);
    }

    private static Task WaitUntilAsync(Func<bool> condition) => WaitUntilAsync(() => Task.FromResult(condition()));

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition did not come true within 30 s");
            await Task.Delay(20);
        }
    }
}
