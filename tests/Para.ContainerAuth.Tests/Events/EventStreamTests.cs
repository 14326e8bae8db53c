using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using Para.ContainerAuth.Images;
using Para.ContainerAuth.Tests.Infrastructure;
using Para.Contracts.ContainerAuth;
using Para.Contracts.Events;

namespace Para.ContainerAuth.Tests.Events;

/// <summary><c>GET /api/events</c>: what a client of the service-wide stream sees, on the real engine.</summary>
[Collection(DockerCollection.Name)]
public sealed class EventStreamTests(DockerFixture docker)
{
    [Fact]
    public async Task The_stream_needs_the_admin_key()
    {
        await using var host = docker.CreateHost();
        using var client = host.CreateClient();

        using var response = await client.GetAsync(new Uri("/api/events", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task It_opens_with_the_heartbeat_interval_and_beats_when_nothing_happens()
    {
        await using var host = docker.CreateHost(settings => settings["Para:ContainerAuth:EventHeartbeatInterval"] = "00:00:05");
        using var client = host.CreateAdminClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/events", UriKind.Relative));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("event: connected", await reader.ReadLineAsync(timeout.Token));
        Assert.Contains("\"heartbeatInterval\":\"00:00:05\"", await reader.ReadLineAsync(timeout.Token), StringComparison.Ordinal);
        Assert.Equal("", await reader.ReadLineAsync(timeout.Token));

        var next = reader.ReadLineAsync(timeout.Token).AsTask();
        host.Time.Advance(TimeSpan.FromSeconds(4));
        Assert.False(await Task.WhenAny(next, Task.Delay(300)) == next, "a heartbeat before the interval");
        host.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal("event: heartbeat", await next);
    }

    [Fact]
    public async Task A_job_and_the_image_it_writes_are_announced_with_the_fingerprint_and_never_the_token()
    {
        await using var host = docker.CreateHost();
        await host.TagBaseImageAsync();
        var api = host.CreateApi();
        await using var events = new EventRecorder(host);
        await events.ConnectedAsync();

        var job = await host.RunAsync(api.SetupAsync(new SetupRequest("alice")));
        var first = host.Credentials.Issued.Last();
        var second = host.Credentials.Rotate("alice"); // refreshed at the account API, then the image re-authenticated
        await host.RunAsync(api.ReauthAsync(new ReauthRequest("alice")));

        var started = await events.WaitForAsync(change => change.Type == ContainerAuthEventTypes.JobStarted && change.JobId == job.Id);
        Assert.Equal(("auth-setup", JobStates.Running), (started.JobKind, started.Status));
        Assert.Contains(events.Events, change => change.Type == ContainerAuthEventTypes.JobProgress && change.JobId == job.Id && change.Progress > 0);
        var finished = await events.WaitForAsync(change => change.Type == ContainerAuthEventTypes.JobFinished && change.JobId == job.Id);
        Assert.Equal((JobStates.Succeeded, 1.0), (finished.Status, finished.Progress));

        var authenticated = await events.WaitForAsync(change => change.Type == ContainerAuthEventTypes.ImageAuthenticated);
        Assert.Equal((host.AuthenticatedImage, "alice", first.Fingerprint, first.ExpiresAt, CredentialStatus.Valid),
            (authenticated.Image, authenticated.Account, authenticated.Fingerprint, authenticated.ExpiresAt, authenticated.Status));
        var reauthenticated = await events.WaitForAsync(change => change.Type == ContainerAuthEventTypes.ImageReauthenticated);
        Assert.Equal((host.AuthenticatedImage, second.Fingerprint), (reauthenticated.Image, reauthenticated.Fingerprint));
        Assert.DoesNotContain("fake-access", events.Json, StringComparison.Ordinal);
        Assert.DoesNotContain("fake-refresh", events.Json, StringComparison.Ordinal);
    }

    [Fact]
    public async Task After_the_accounts_token_changed_its_images_are_announced_stale()
    {
        await using var host = docker.CreateHost();
        await host.TagBaseImageAsync();
        var api = host.CreateApi();
        await host.RunAsync(api.SetupAsync(new SetupRequest("alice")));
        var baked = host.Credentials.Issued.Last();
        await using var events = new EventRecorder(host);
        await events.ConnectedAsync();
        var stale = host.Services.GetRequiredService<StaleImages>();

        await stale.PublishAsync("alice", CancellationToken.None);
        host.Credentials.Rotate("alice");   // the account's token changes
        await stale.PublishAsync("alice", CancellationToken.None);

        var announced = await events.WaitForAsync(change => change.Type == ContainerAuthEventTypes.ImageStale);
        Assert.Equal((host.AuthenticatedImage, "alice", baked.Fingerprint), (announced.Image, announced.Account, announced.Fingerprint));
        Assert.Single(events.Events, change => change.Type == ContainerAuthEventTypes.ImageStale);
    }
}
