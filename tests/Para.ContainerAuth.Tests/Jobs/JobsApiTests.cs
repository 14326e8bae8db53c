using System.Net;
using System.Net.Http.Json;
using Para.ContainerAuth.Tests.Infrastructure;
using Para.Contracts.ContainerAuth;

namespace Para.ContainerAuth.Tests.Jobs;

[Collection(DockerCollection.Name)]
public sealed class JobsApiTests(DockerFixture docker)
{
    [Fact]
    public async Task Jobs_are_listed_newest_first_and_replay_their_events_after_the_end()
    {
        await using var host = docker.CreateHost();
        await host.TagBaseImageAsync();
        var api = host.CreateApi();
        var first = await host.RunAsync(api.SetupAsync(new SetupRequest("alice")));
        var second = await host.RunAsync(api.ReauthAsync(new ReauthRequest()));

        var jobs = await api.ListJobsAsync();

        Assert.Equal([second.Id, first.Id], jobs.Select(job => job.Id));
        var (events, job) = await host.WaitAsync(first);
        Assert.Equal((first.Id, first.State, first.FinishedAt), (job.Id, job.State, job.FinishedAt));
        Assert.Equal("queued", events[0].Step);
        Assert.Equal("done", events[^1].Step);
        Assert.Equal(Enumerable.Range(1, events.Count), events.Select(e => e.Sequence));
    }

    [Fact]
    public async Task An_unknown_job_is_not_found_for_state_and_events()
    {
        await using var host = docker.CreateHost();
        using var client = host.CreateAdminClient();

        using var job = await client.GetAsync(new Uri("/api/jobs/nope", UriKind.Relative));
        using var events = await client.GetAsync(new Uri("/api/jobs/nope/events", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, job.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, events.StatusCode);
    }

    [Fact]
    public async Task The_api_needs_the_admin_key()
    {
        await using var host = docker.CreateHost();
        using var client = host.CreateClient();

        using var jobs = await client.GetAsync(new Uri("/api/jobs", UriKind.Relative));
        using var events = await client.GetAsync(new Uri("/api/jobs/x/events", UriKind.Relative));
        using var setup = await client.PostAsync(new Uri("/api/auth/setup", UriKind.Relative), JsonContent.Create(new SetupRequest("alice")));

        Assert.Equal(HttpStatusCode.Unauthorized, jobs.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, setup.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, events.StatusCode);
    }
}
