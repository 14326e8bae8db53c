using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Para.ContainerAuth.Credentials;
using Para.ContainerAuth.Tests.Infrastructure;
using Para.Contracts.ContainerAuth;
using Para.Contracts.Credentials;

namespace Para.ContainerAuth.Tests.Images;

[Collection(DockerCollection.Name)]
public sealed class AuthWorkflowTests(DockerFixture docker)
{
    [Fact]
    public async Task Setup_writes_0600_credentials_owned_by_the_image_user_and_labels_the_image()
    {
        await using var host = docker.CreateHost();
        await host.TagBaseImageAsync();
        var api = host.CreateApi();

        var (events, job) = await host.WaitAsync(await api.SetupAsync(new SetupRequest("alice")));

        Assert.Equal(JobStates.Succeeded, job.State);
        Assert.Contains(events, e => e.Step == "write-credentials");
        Assert.Contains(events, e => e.Step == "commit");
        Assert.True(events.Select(e => e.Progress).SequenceEqual(events.Select(e => e.Progress).Order()), "progress only grows");
        var issued = Assert.Single(host.Credentials.Issued);

        var image = await host.Engine.FindImageAsync(host.AuthenticatedImage, CancellationToken.None);
        Assert.NotNull(image);
        Assert.Equal("alice", image.Labels[CredentialLabels.Account]);
        Assert.Equal(issued.Fingerprint, image.Labels[CredentialLabels.Fingerprint]);
        Assert.Equal(issued.ExpiresAt, CredentialLabels.ReadTime(image.Labels, CredentialLabels.ExpiresAt));
        Assert.Equal(host.Time.GetUtcNow(), CredentialLabels.ReadTime(image.Labels, CredentialLabels.AuthenticatedAt));
        // Access-only by default: Para stays the only holder of the refresh token (docs/decisions/0006).
        Assert.Equal(CredentialLabels.RefreshTokenWithheld, image.Labels[CredentialLabels.RefreshToken]);

        var (credentials, details) = await ReadFilesAsync(host, host.AuthenticatedImage, "/home/para");
        Assert.Equal(Convert.ToInt32("600", 8), credentials.Mode & 0b111_111_111);
        Assert.Equal(1000, credentials.Uid);
        Assert.Equal(1000, credentials.Gid);
        var file = JsonSerializer.Deserialize<ClaudeCredentialsFile>(credentials.Content)!;
        Assert.Equal(issued.Credentials.ClaudeAiOauth.AccessToken, file.ClaudeAiOauth.AccessToken);
        Assert.Equal("", file.ClaudeAiOauth.RefreshToken);
        Assert.Equal(issued.ExpiresAt.ToUnixTimeMilliseconds(), file.ClaudeAiOauth.ExpiresAt);
        Assert.Equal(Convert.ToInt32("600", 8), details.Mode & 0b111_111_111);
        Assert.Equal("uuid-alice", JsonDocument.Parse(details.Content).RootElement.GetProperty("oauthAccount").GetProperty("accountUuid").GetString());

        Assert.Empty(await host.ContainerNamesAsync());
    }

    [Fact]
    public async Task Setup_with_the_refresh_token_opted_in_writes_it_and_labels_the_image_included()
    {
        await using var host = docker.CreateHost(settings => settings["Para:ContainerAuth:IncludeRefreshToken"] = "true");
        await host.TagBaseImageAsync();
        var api = host.CreateApi();

        var (_, job) = await host.WaitAsync(await api.SetupAsync(new SetupRequest("alice")));

        Assert.Equal(JobStates.Succeeded, job.State);
        var issued = Assert.Single(host.Credentials.Issued);
        Assert.NotEmpty(issued.Credentials.ClaudeAiOauth.RefreshToken);
        var image = await host.Engine.FindImageAsync(host.AuthenticatedImage, CancellationToken.None);
        Assert.Equal(CredentialLabels.RefreshTokenIncluded, image!.Labels[CredentialLabels.RefreshToken]);
        var (credentials, _) = await ReadFilesAsync(host, host.AuthenticatedImage, "/home/para");
        var file = JsonSerializer.Deserialize<ClaudeCredentialsFile>(credentials.Content)!;
        Assert.Equal(issued.Credentials.ClaudeAiOauth.RefreshToken, file.ClaudeAiOauth.RefreshToken);
        Assert.Equal(
            CredentialLabels.RefreshTokenIncluded,
            Assert.Single(await api.ListImagesAsync(), summary => summary.Name == host.AuthenticatedImage).RefreshToken);
        Assert.Empty(await host.ContainerNamesAsync());
    }

    [Fact]
    public async Task A_failing_step_fails_the_job_and_still_removes_the_temporary_container()
    {
        // The injected failure: credentials aimed at a home that is not in the image, so the archive upload fails.
        await using var host = docker.CreateHost(settings => settings["Para:ContainerAuth:HomeOverride"] = "/no/such/home");
        await host.TagBaseImageAsync();
        var api = host.CreateApi();

        var (events, job) = await host.WaitAsync(await api.SetupAsync(new SetupRequest("alice")));

        Assert.Equal(JobStates.Failed, job.State);
        Assert.Contains("/no/such/home", job.Error, StringComparison.Ordinal);
        Assert.Contains(events, e => e.Step == "create-container");
        Assert.Contains(events, e => e.Step == "remove-container");
        Assert.Empty(await host.ContainerNamesAsync());
        Assert.Null(await host.Engine.FindImageAsync(host.AuthenticatedImage, CancellationToken.None));
    }

    [Fact]
    public async Task Setup_for_an_account_the_account_api_refuses_fails_with_its_answer_and_touches_no_image()
    {
        await using var host = docker.CreateHost();
        await host.TagBaseImageAsync();

        var (_, job) = await host.WaitAsync(await host.CreateApi().SetupAsync(new SetupRequest(FixedCredentialSource.BrokenAccount)));

        Assert.Equal(JobStates.Failed, job.State);
        Assert.Equal($"The account API answered 404 for the credentials of '{FixedCredentialSource.BrokenAccount}'.", job.Error);
        Assert.Null(await host.Engine.FindImageAsync(host.AuthenticatedImage, CancellationToken.None));
        Assert.Empty(await host.ContainerNamesAsync());
    }

    [Fact]
    public async Task Setup_refuses_to_overwrite_without_force_and_names_a_missing_base_image()
    {
        await using var host = docker.CreateHost();
        using var client = host.CreateAdminClient();

        using var missingBase = await client.PostAsJsonAsync("/api/auth/setup", new SetupRequest("alice"));
        Assert.Equal(HttpStatusCode.NotFound, missingBase.StatusCode);
        Assert.Contains(host.BaseImage, await missingBase.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        await host.TagBaseImageAsync();
        await host.RunAsync(host.CreateApi().SetupAsync(new SetupRequest("alice")));
        using var again = await client.PostAsJsonAsync("/api/auth/setup", new SetupRequest("bob"));
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);

        await host.RunAsync(host.CreateApi().SetupAsync(new SetupRequest("bob", Force: true)));
        var image = await host.Engine.FindImageAsync(host.AuthenticatedImage, CancellationToken.None);
        Assert.Equal("bob", image!.Labels[CredentialLabels.Account]);
        Assert.Equal(1, await docker.CountAuthenticatedImagesAsync(host.Prefix));
    }

    [Fact]
    public async Task Reauth_lists_containers_of_the_old_image_and_removes_them_only_when_asked()
    {
        await using var host = docker.CreateHost();
        await host.TagBaseImageAsync();
        var api = host.CreateApi();
        await host.RunAsync(api.SetupAsync(new SetupRequest("alice")));
        var first = await host.Engine.FindImageAsync(host.AuthenticatedImage, CancellationToken.None);
        await docker.StartSessionAsync(host.AuthenticatedImage, $"{host.Prefix}session");

        var fresh = host.Credentials.Rotate("alice"); // refreshed at the account API
        var kept = await host.RunAsync(api.ReauthAsync(new ReauthRequest()));
        var keptResult = kept.Result!.Value.Deserialize<ImageResult>(JsonSerializerOptions.Web)!;
        Assert.Equal("alice", keptResult.Account);
        Assert.Equal([$"{host.Prefix}session"], keptResult.ContainersFromOldImage);
        Assert.Empty(keptResult.RemovedContainers);
        Assert.Contains($"{host.Prefix}session", await host.ContainerNamesAsync());
        var second = await host.Engine.FindImageAsync(host.AuthenticatedImage, CancellationToken.None);
        Assert.NotEqual(first!.Id, second!.Id);
        Assert.Equal(fresh.Fingerprint, second.Labels[CredentialLabels.Fingerprint]);

        await docker.StartSessionAsync(host.AuthenticatedImage, $"{host.Prefix}session2");
        var removed = await host.RunAsync(api.ReauthAsync(new ReauthRequest(RemoveContainers: true)));
        var removedResult = removed.Result!.Value.Deserialize<ImageResult>(JsonSerializerOptions.Web)!;
        Assert.Equal([$"{host.Prefix}session2"], removedResult.RemovedContainers);
        Assert.DoesNotContain($"{host.Prefix}session2", await host.ContainerNamesAsync());
        Assert.Contains($"{host.Prefix}session", await host.ContainerNamesAsync());
    }

    [Fact]
    public async Task Cleanup_dry_run_lists_what_would_go_and_the_real_run_removes_it()
    {
        await using var host = docker.CreateHost();
        await host.TagBaseImageAsync();
        var api = host.CreateApi();
        await host.RunAsync(api.SetupAsync(new SetupRequest("alice")));
        await host.Engine.TagImageAsync(host.BaseImage, $"{host.Prefix}dev:latest", CancellationToken.None);
        await host.RunAsync(api.AuthenticateImageAsync(new AuthenticateImageRequest($"{host.Prefix}dev:latest")));
        // A leftover temporary container, as a crash mid-setup would leave it.
        await host.Engine.CreateContainerAsync(new Para.ContainerAuth.Docker.ContainerSpec(host.BaseImage, $"{host.Prefix}auth-tmp-crashed", [],
            new Dictionary<string, string>()), CancellationToken.None);
        await CreateVolumeAsync(host.Engine.Endpoint, $"{host.Prefix}auth-cache");
        // Named like an authenticated image, but Para never wrote it: not Para's to remove.
        var lookAlike = $"{host.Prefix}tool-authenticated:latest";
        await host.Engine.TagImageAsync(host.BaseImage, lookAlike, CancellationToken.None);

        var dryRun = await api.CleanupAsync(new CleanupRequest(DryRun: true));
        Assert.Equal([host.AuthenticatedImage, $"{host.Prefix}dev-authenticated:latest"], dryRun.Images.Order(StringComparer.Ordinal));
        Assert.Equal([$"{host.Prefix}auth-tmp-crashed"], dryRun.Containers);
        Assert.Equal([$"{host.Prefix}auth-cache"], dryRun.Volumes);
        Assert.NotNull(await host.Engine.FindImageAsync(host.AuthenticatedImage, CancellationToken.None));

        var real = await api.CleanupAsync(new CleanupRequest());
        Assert.False(real.DryRun);
        Assert.Equal(dryRun.Images, real.Images);
        Assert.Equal(dryRun.Containers, real.Containers);
        Assert.Equal(dryRun.Volumes, real.Volumes);
        Assert.NotNull(await host.Engine.FindImageAsync(lookAlike, CancellationToken.None));
        Assert.Null(await host.Engine.FindImageAsync(host.AuthenticatedImage, CancellationToken.None));
        Assert.Null(await host.Engine.FindImageAsync($"{host.Prefix}dev-authenticated:latest", CancellationToken.None));
        Assert.NotNull(await host.Engine.FindImageAsync(host.BaseImage, CancellationToken.None));
        Assert.Empty(await host.ContainerNamesAsync());
        Assert.Empty(await host.Engine.ListVolumesAsync(host.Prefix, CancellationToken.None));
    }

    [Fact]
    public async Task Each_job_is_a_span_with_its_id_kind_and_final_state()
    {
        using var recorder = new Para.Accounts.Tests.Infrastructure.SpanRecorder("Para.ContainerAuth");
        await using var host = docker.CreateHost();
        await host.TagBaseImageAsync();
        var api = host.CreateApi();

        var job = await host.RunAsync(api.SetupAsync(new SetupRequest("alice")));

        var span = Assert.Single(recorder.Spans, span => Equals(span.GetTagItem("para.job.id"), job.Id));
        Assert.Equal("Job auth-setup", span.OperationName);
        Assert.Equal("auth-setup", span.GetTagItem("para.job.kind"));
        Assert.Equal(JobStates.Succeeded, span.GetTagItem("para.job.state"));
        Assert.Equal(System.Diagnostics.ActivityStatusCode.Ok, span.Status);
    }

    [Fact]
    public async Task Cleanup_of_temporary_containers_keeps_authenticated_images_and_volumes()
    {
        await using var host = docker.CreateHost();
        await host.TagBaseImageAsync();
        var api = host.CreateApi();
        await host.RunAsync(api.SetupAsync(new SetupRequest("alice")));
        await host.Engine.CreateContainerAsync(new Para.ContainerAuth.Docker.ContainerSpec(host.BaseImage, $"{host.Prefix}auth-tmp-crashed", [],
            new Dictionary<string, string>()), CancellationToken.None);
        await CreateVolumeAsync(host.Engine.Endpoint, $"{host.Prefix}auth-cache");

        var result = await api.CleanupAsync(new CleanupRequest(TemporaryOnly: true));

        Assert.Equal([$"{host.Prefix}auth-tmp-crashed"], result.Containers);
        Assert.Empty(result.Images);
        Assert.Empty(result.Volumes);
        Assert.Empty(await host.ContainerNamesAsync());
        Assert.NotNull(await host.Engine.FindImageAsync(host.AuthenticatedImage, CancellationToken.None));
        Assert.Equal([$"{host.Prefix}auth-cache"], await host.Engine.ListVolumesAsync(host.Prefix, CancellationToken.None));
    }

    [Fact]
    public async Task Status_tells_engine_version_images_account_and_expiry()
    {
        await using var host = docker.CreateHost();
        await host.TagBaseImageAsync();
        var api = host.CreateApi();

        var before = await api.GetAuthStatusAsync();
        Assert.True(before.EngineReachable);
        Assert.False(string.IsNullOrWhiteSpace(before.EngineVersion));
        Assert.True(before.BaseImagePresent);
        Assert.False(before.AuthenticatedImagePresent);
        Assert.Equal(CredentialStatus.None, before.CredentialStatus);

        host.Credentials.Lifetime = TimeSpan.FromHours(12);
        await host.RunAsync(api.SetupAsync(new SetupRequest("alice")));
        var after = await api.GetAuthStatusAsync();
        Assert.True(after.AuthenticatedImagePresent);
        Assert.Equal("alice", after.Account);
        Assert.Equal(TimeSpan.FromHours(12), after.ExpiresIn);
        // A fresh 12-hour token is not "expiring" because it has less than a day left: only from
        // the time the account API refreshes it (30 minutes before expiry), as every view says.
        Assert.Equal(CredentialStatus.Valid, after.CredentialStatus);
        Assert.Equal(CredentialStatus.Valid, Assert.Single(await api.ListImagesAsync(), image => image.Name == host.AuthenticatedImage).CredentialStatus);

        host.Time.Advance(TimeSpan.FromHours(11.6));
        Assert.Equal(CredentialStatus.Expiring, (await api.GetAuthStatusAsync()).CredentialStatus);
        Assert.Equal(CredentialStatus.Expiring, Assert.Single(await api.ListImagesAsync(), image => image.Name == host.AuthenticatedImage).CredentialStatus);

        host.Time.Advance(TimeSpan.FromHours(1.4));
        Assert.Equal(CredentialStatus.Expired, (await api.GetAuthStatusAsync()).CredentialStatus);
    }

    private static async Task<(Para.ContainerAuth.Docker.EngineFile Credentials, Para.ContainerAuth.Docker.EngineFile Details)> ReadFilesAsync(
        ContainerAuthHost host, string image, string home)
    {
        var id = await host.Engine.CreateContainerAsync(
            new Para.ContainerAuth.Docker.ContainerSpec(image, $"{host.Prefix}inspect", [], new Dictionary<string, string>()), CancellationToken.None);
        try
        {
            var credentials = await host.Engine.ReadFileAsync(id, $"{home}/.claude/.credentials.json", CancellationToken.None);
            var details = await host.Engine.ReadFileAsync(id, $"{home}/.claude.json", CancellationToken.None);
            return (credentials!, details!);
        }
        finally
        {
            await host.Engine.RemoveContainerAsync(id, CancellationToken.None);
        }
    }

    private static async Task CreateVolumeAsync(Uri endpoint, string name)
    {
        using var client = new global::Docker.DotNet.DockerClientBuilder().WithEndpoint(endpoint).Build();
        await client.Volumes.CreateAsync(new global::Docker.DotNet.Models.VolumesCreateParameters { Name = name });
    }
}
