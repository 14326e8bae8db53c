using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Para.ContainerAuth.Assignments;
using Para.ContainerAuth.Credentials;
using Para.ContainerAuth.Propagation;
using Para.ContainerAuth.Tests.Infrastructure;
using Para.Contracts.ContainerAuth;
using Para.Contracts.Credentials;
using Para.ServiceDefaults.Security;

namespace Para.ContainerAuth.Tests.Containers;

/// <summary>Which account a container uses: an assignment over its labels, on the real engine.</summary>
[Collection(DockerCollection.Name)]
public sealed class AssignmentTests(DockerFixture docker)
{
    private const string CredentialsPath = "/home/para/.claude/.credentials.json";

    [Fact]
    public async Task A_container_without_a_label_is_listed_as_having_no_account_until_assigned_then_fed_at_once()
    {
        await using var host = docker.CreateHost();
        await host.TagBaseImageAsync();
        var api = host.CreateApi();
        var name = $"{host.Prefix}plain";
        var id = await docker.StartSessionAsync(host.BaseImage, name);

        var before = await api.FeedContainersAsync();
        Assert.Contains(name, before.WithoutAccount!);
        Assert.DoesNotContain(before.Outcomes, outcome => outcome.Container == name);
        var listed = Assert.Single(await api.ListContainersAsync(), container => container.Name == name);
        Assert.Null(listed.Account);
        Assert.Null(listed.AccountSource);

        var result = await api.AssignAccountAsync(name, new ContainerAccountRequest("alice"));

        Assert.Equal(("alice", AccountSources.Assigned), (result.Account, result.AccountSource));
        Assert.True(result.Feed!.Fed, result.Feed.Message);
        Assert.Equal(host.Credentials.Issued.Last().Credentials.ClaudeAiOauth.AccessToken, (await ReadTokenAsync(host, id)).AccessToken);
        var file = (await host.Engine.ReadFileAsync(id, CredentialsPath, CancellationToken.None))!;
        Assert.Equal(Convert.ToInt32("600", 8), file.Mode & 0b111_111_111);
        Assert.Equal(1000, file.Uid);
        listed = Assert.Single(await api.ListContainersAsync(), container => container.Name == name);
        Assert.Equal(("alice", AccountSources.Assigned, host.Credentials.Issued.Last().Fingerprint),
            (listed.Account, listed.AccountSource, listed.FedFingerprint));
        Assert.Empty((await api.FeedContainersAsync()).WithoutAccount!);
    }

    [Fact]
    public async Task Reassigning_feeds_the_other_account_s_token_and_account_details()
    {
        await using var host = docker.CreateHost();
        await host.TagBaseImageAsync();
        var api = host.CreateApi();
        await host.RunAsync(api.SetupAsync(new SetupRequest("alice")));
        var name = $"{host.Prefix}agent";
        var id = await docker.StartSessionAsync(host.AuthenticatedImage, name);
        Assert.Equal(("alice", AccountSources.Image), Describe(await api.ListContainersAsync(), name));
        Assert.True((await api.AssignAccountAsync(name, new ContainerAccountRequest("alice"))).Feed!.Fed);

        var result = await api.AssignAccountAsync(name, new ContainerAccountRequest("bob"));

        Assert.True(result.Feed!.Fed, result.Feed.Message);
        var bobs = host.Credentials.Issued.Last(export => export.AccountName == "bob");
        Assert.Equal(bobs.Credentials.ClaudeAiOauth.AccessToken, (await ReadTokenAsync(host, id)).AccessToken);
        var details = (await host.Engine.ReadFileAsync(id, "/home/para/.claude.json", CancellationToken.None))!;
        Assert.Contains("bob@example.test", System.Text.Encoding.UTF8.GetString(details.Content), StringComparison.Ordinal);
        Assert.Equal(("bob", AccountSources.Assigned), Describe(await api.ListContainersAsync(), name));

        // The account API's change feed for alice no longer reaches it; bob's does.
        var alice = await api.FeedContainersAsync("alice");
        Assert.DoesNotContain(alice.Outcomes, outcome => outcome.Container == name);
        Assert.Contains((await api.FeedContainersAsync("bob")).Outcomes, outcome => outcome.Container == name && outcome.Fed);
    }

    [Fact]
    public async Task An_assignment_beats_a_label_given_at_creation_which_beats_the_image_s_and_unassigning_goes_back()
    {
        await using var host = docker.CreateHost();
        await host.TagBaseImageAsync();
        var api = host.CreateApi();
        await host.RunAsync(api.SetupAsync(new SetupRequest("alice")));
        var labelled = $"{host.Prefix}labelled";
        var id = await host.Engine.CreateContainerAsync(new Para.ContainerAuth.Docker.ContainerSpec(host.AuthenticatedImage, labelled, ["/bin/sleep", "600"],
            new Dictionary<string, string> { [CredentialLabels.Account] = "bob" }), CancellationToken.None);
        await host.Engine.StartContainerAsync(id, CancellationToken.None);
        Assert.Equal(("bob", AccountSources.Label), Describe(await api.ListContainersAsync(), labelled));

        await api.AssignAccountAsync(labelled, new ContainerAccountRequest("carol"));
        Assert.Equal(("carol", AccountSources.Assigned), Describe(await api.ListContainersAsync(), labelled));

        var result = await api.UnassignAccountAsync(labelled);

        Assert.Equal(("bob", AccountSources.Label), (result.Account, result.AccountSource));
        Assert.True(result.Feed!.Fed, result.Feed.Message);
        Assert.Equal(host.Credentials.Issued.Last(export => export.AccountName == "bob").Credentials.ClaudeAiOauth.AccessToken,
            (await ReadTokenAsync(host, id)).AccessToken);
        Assert.Equal(("bob", AccountSources.Label), Describe(await api.ListContainersAsync(), labelled));
        var again = await api.UnassignAccountAsync(labelled);
        Assert.Null(again.Feed);
        Assert.Equal($"{labelled} was not assigned; it uses account bob (label)", again.Message);
    }

    [Fact]
    public async Task An_assignment_survives_a_restart_of_the_service_and_is_forgotten_when_the_container_is_removed()
    {
        var data = Directory.CreateTempSubdirectory("para-assignments-").FullName;
        try
        {
            string id, name, prefix;
            await using (var first = docker.CreateHost(settings => settings[ParaDataDirectory.EnvironmentVariable] = data))
            {
                prefix = first.Prefix;
                name = $"{prefix}survivor";
                await first.TagBaseImageAsync();
                id = await docker.StartSessionAsync(first.BaseImage, name);
                await first.CreateApi().AssignAccountAsync(name, new ContainerAccountRequest("alice"));
            }

            var file = Path.Combine(data, ContainerAssignments.FileName);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite,
                OperatingSystem.IsWindows() ? UnixFileMode.UserRead | UnixFileMode.UserWrite : File.GetUnixFileMode(file));
            Assert.Contains(id, await File.ReadAllTextAsync(file), StringComparison.Ordinal);
            Assert.Empty(Directory.GetFiles(data, "*.tmp"));

            await using var second = docker.CreateHost(settings =>
            {
                settings[ParaDataDirectory.EnvironmentVariable] = data;
                settings["Para:ContainerAuth:NamePrefix"] = prefix;
            });
            var api = second.CreateApi();
            Assert.Equal(("alice", AccountSources.Assigned), Describe(await api.ListContainersAsync(), name));
            // The restarted service's pass (its own at start, or this one) feeds it alice's token.
            await second.Services.GetRequiredService<ContainerFeeder>().FeedStaleAsync(CancellationToken.None);
            var held = (await ReadTokenAsync(second, id)).AccessToken;
            Assert.Contains(second.Credentials.Issued, issued => issued.AccountName == "alice" && issued.Credentials.ClaudeAiOauth.AccessToken == held);

            await second.Engine.RemoveContainerAsync(id, CancellationToken.None);
            await second.Services.GetRequiredService<ContainerFeeder>().FeedStaleAsync(CancellationToken.None);
            Assert.DoesNotContain(id, await File.ReadAllTextAsync(file), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public async Task An_unknown_container_or_account_or_no_account_is_a_problem_that_names_it()
    {
        await using var host = docker.CreateHost();
        await host.TagBaseImageAsync();
        var name = $"{host.Prefix}agent";
        await docker.StartSessionAsync(host.BaseImage, name);
        using var client = host.CreateAdminClient();

        var missingContainer = await client.PutAsJsonAsync($"/api/containers/{host.Prefix}nothere/account", new ContainerAccountRequest("alice"));
        var missingAccount = await client.PutAsJsonAsync($"/api/containers/{name}/account", new ContainerAccountRequest(FixedCredentialSource.MissingAccount));
        var noAccount = await client.PutAsJsonAsync($"/api/containers/{name}/account", new ContainerAccountRequest(" "));
        var unassignMissing = await client.DeleteAsync($"/api/containers/{host.Prefix}nothere/account");

        await AssertProblemAsync(missingContainer, HttpStatusCode.NotFound, $"No container named '{host.Prefix}nothere' exists on the engine");
        await AssertProblemAsync(missingAccount, HttpStatusCode.NotFound, $"The account API has no account named '{FixedCredentialSource.MissingAccount}'");
        await AssertProblemAsync(noAccount, HttpStatusCode.BadRequest, "Name the account");
        await AssertProblemAsync(unassignMissing, HttpStatusCode.NotFound, $"'{host.Prefix}nothere'");
        Assert.Null(Describe(await host.CreateApi().ListContainersAsync(), name).Account);
        Assert.False(File.Exists(Path.Combine(host.DataDirectory, ContainerAssignments.FileName)));
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string detail)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(detail, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static (string? Account, string? Source) Describe(IReadOnlyList<ContainerSummary> containers, string name)
    {
        var container = Assert.Single(containers, container => container.Name == name);
        return (container.Account, container.AccountSource);
    }

    private static async Task<ClaudeAiOauth> ReadTokenAsync(ContainerAuthHost host, string id) =>
        JsonSerializer.Deserialize<ClaudeCredentialsFile>((await host.Engine.ReadFileAsync(id, CredentialsPath, CancellationToken.None))!.Content)!.ClaudeAiOauth;
}
