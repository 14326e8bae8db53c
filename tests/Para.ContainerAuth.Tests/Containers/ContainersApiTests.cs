using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Para.ContainerAuth.Credentials;
using Para.ContainerAuth.Tests.Infrastructure;
using Para.Contracts.ContainerAuth;
using Para.Contracts.Credentials;

namespace Para.ContainerAuth.Tests.Containers;

[Collection(DockerCollection.Name)]
public sealed class ContainersApiTests(DockerFixture docker)
{
    [Fact]
    public async Task Reauthenticating_a_running_container_replaces_its_credentials_in_place_and_restarts_it_when_asked()
    {
        await using var host = docker.CreateHost();
        await host.TagBaseImageAsync();
        var api = host.CreateApi();
        await host.RunAsync(api.SetupAsync(new SetupRequest("alice")));
        var session = $"{host.Prefix}session";
        var id = await docker.StartSessionAsync(host.AuthenticatedImage, session);
        await host.WaitUntilFedAsync(id);
        var before = await host.Engine.FindContainerAsync(id, CancellationToken.None);

        var job = await host.RunAsync(api.ReauthContainerAsync(session, new ContainerReauthRequest(Restart: true, CommitTag: $"{host.Prefix}session-reauth:latest")));

        var result = job.Result!.Value.Deserialize<ContainerReauthResult>(JsonSerializerOptions.Web)!;
        Assert.Equal("alice", result.Account);
        Assert.True(result.Restarted);
        var file = await host.Engine.ReadFileAsync(id, "/home/para/.claude/.credentials.json", CancellationToken.None);
        var credentials = JsonSerializer.Deserialize<ClaudeCredentialsFile>(file!.Content)!;
        // The reauth's token: the restart is a start too, and its feed must not write back the older one it fed first.
        Assert.Equal(host.Credentials.Issued.Last().Credentials.ClaudeAiOauth.AccessToken, credentials.ClaudeAiOauth.AccessToken);
        Assert.Equal(Convert.ToInt32("600", 8), file.Mode & 0b111_111_111);
        Assert.Equal(1000, file.Uid);
        Assert.Equal("running", (await host.Engine.FindContainerAsync(id, CancellationToken.None))!.Value.Container.State);
        Assert.NotNull(await host.Engine.FindImageAsync($"{host.Prefix}session-reauth:latest", CancellationToken.None));
        Assert.Equal(before!.Value.Container.Id, id);
    }

    [Fact]
    public async Task The_container_list_reads_the_credentials_inside_each_para_container()
    {
        await using var host = docker.CreateHost();
        await host.TagBaseImageAsync();
        var api = host.CreateApi();
        await host.RunAsync(api.SetupAsync(new SetupRequest("alice")));
        await docker.StartSessionAsync(host.AuthenticatedImage, $"{host.Prefix}with-auth");
        await docker.StartSessionAsync(host.BaseImage, $"{host.Prefix}without-auth");

        var containers = (await api.ListContainersAsync()).Where(c => c.Name.StartsWith(host.Prefix, StringComparison.Ordinal)).ToArray();

        var withAuth = Assert.Single(containers, c => c.Name == $"{host.Prefix}with-auth");
        Assert.Equal(CredentialStatus.Valid, withAuth.CredentialStatus);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(host.Credentials.Issued.First().ExpiresAt.ToUnixTimeMilliseconds()), withAuth.ExpiresAt);
        Assert.Equal("running", withAuth.State);
        Assert.Equal(CredentialStatus.None, Assert.Single(containers, c => c.Name == $"{host.Prefix}without-auth").CredentialStatus);
    }

    [Fact]
    public async Task Only_para_containers_are_reauthenticated()
    {
        await using var host = docker.CreateHost();
        await host.TagBaseImageAsync();
        using var client = host.CreateAdminClient();

        using var missing = await client.PostAsJsonAsync($"/api/containers/{host.Prefix}nothing-here/reauth", new ContainerReauthRequest("alice"));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("application/problem+json", missing.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await missing.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("Container not found", problem.GetProperty("title").GetString());
        Assert.StartsWith($"No container named '{host.Prefix}nothing-here' exists", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);

        var stranger = $"other-{host.Prefix}";
        await docker.StartSessionAsync(host.BaseImage, stranger);
        try
        {
            using var refused = await client.PostAsJsonAsync($"/api/containers/{stranger}/reauth", new ContainerReauthRequest("alice"));
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        }
        finally
        {
            await host.Engine.RemoveContainerAsync(stranger, CancellationToken.None);
        }
    }

    [Fact]
    public async Task A_committed_container_is_labelled_with_the_credentials_inside_it_not_its_image_s()
    {
        await using var host = docker.CreateHost(settings => settings["Para:ContainerAuth:IncludeRefreshToken"] = "true");
        await host.TagBaseImageAsync();
        var api = host.CreateApi();
        await host.RunAsync(api.SetupAsync(new SetupRequest("alice")));
        var session = $"{host.Prefix}session";
        await docker.StartSessionAsync(host.AuthenticatedImage, session);
        host.Time.Advance(TimeSpan.FromHours(3));
        host.Credentials.IncludeRefreshToken = false;
        var committed = $"{host.Prefix}committed:latest";

        await host.RunAsync(api.ReauthContainerAsync(session, new ContainerReauthRequest("bob", CommitTag: committed)));

        var fresh = host.Credentials.Issued.Last();
        var labels = (await host.Engine.FindImageAsync(committed, CancellationToken.None))!.Labels;
        Assert.Equal("bob", labels[CredentialLabels.Account]);
        Assert.Equal(fresh.Fingerprint, labels[CredentialLabels.Fingerprint]);
        Assert.Equal(fresh.ExpiresAt, CredentialLabels.ReadTime(labels, CredentialLabels.ExpiresAt));
        Assert.Equal(host.Time.GetUtcNow(), CredentialLabels.ReadTime(labels, CredentialLabels.AuthenticatedAt));
        Assert.Equal(CredentialLabels.RefreshTokenWithheld, labels[CredentialLabels.RefreshToken]);
        Assert.Equal("true", labels[CredentialLabels.Managed]);
        var listed = Assert.Single(await api.ListImagesAsync(), image => image.Name == committed);
        Assert.Equal("bob", listed.Account);
        // The image it came from still says what it holds.
        var source = (await host.Engine.FindImageAsync(host.AuthenticatedImage, CancellationToken.None))!.Labels;
        Assert.Equal("alice", source[CredentialLabels.Account]);
        Assert.Equal(CredentialLabels.RefreshTokenIncluded, source[CredentialLabels.RefreshToken]);
    }
}
