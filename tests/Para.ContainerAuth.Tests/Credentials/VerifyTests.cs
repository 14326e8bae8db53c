using System.Net;
using System.Net.Http.Json;
using Para.ContainerAuth.Tests.Infrastructure;
using Para.Contracts.ContainerAuth;

namespace Para.ContainerAuth.Tests.Credentials;

[Collection(DockerCollection.Name)]
public sealed class VerifyTests(DockerFixture docker)
{
    [Fact]
    public async Task A_freshly_authenticated_image_passes_every_check()
    {
        await using var host = docker.CreateHost();
        await host.TagBaseImageAsync();
        var api = host.CreateApi();
        await host.RunAsync(api.SetupAsync(new SetupRequest("alice")));

        var result = await api.VerifyAsync(new VerifyRequest(host.AuthenticatedImage));

        Assert.True(result.Passed, Describe(result));
        Assert.Equal("image", result.Kind);
        Assert.Equal(["present", "parseable", "not-expired", "owner-and-mode", "check-command"], result.Checks.Select(check => check.Name));
        Assert.Empty(await host.ContainerNamesAsync());
    }

    [Fact]
    public async Task Expired_credentials_and_a_failing_check_command_fail_verification()
    {
        await using var host = docker.CreateHost();
        await host.TagBaseImageAsync();
        var api = host.CreateApi();
        host.Credentials.Lifetime = TimeSpan.FromHours(1);
        await host.RunAsync(api.SetupAsync(new SetupRequest("alice")));
        host.Time.Advance(TimeSpan.FromHours(2));

        var result = await api.VerifyAsync(new VerifyRequest(host.AuthenticatedImage, "echo unauthorized >&2; exit 3"));

        Assert.False(result.Passed);
        Assert.False(result.Checks.Single(check => check.Name == "not-expired").Passed);
        var command = result.Checks.Single(check => check.Name == "check-command");
        Assert.False(command.Passed);
        Assert.Contains("exited 3", command.Detail, StringComparison.Ordinal);
        Assert.Contains("unauthorized", command.Detail, StringComparison.Ordinal);
        Assert.True(result.Checks.Single(check => check.Name == "owner-and-mode").Passed);
    }

    [Fact]
    public async Task The_check_command_has_no_network()
    {
        await using var host = docker.CreateHost();
        await host.TagBaseImageAsync();
        var api = host.CreateApi();
        await host.RunAsync(api.SetupAsync(new SetupRequest("alice")));

        // Only the loopback interface exists on network mode none.
        var result = await api.VerifyAsync(new VerifyRequest(host.AuthenticatedImage, "test \"$(ls /sys/class/net)\" = lo"));

        Assert.True(result.Passed, Describe(result));
    }

    [Fact]
    public async Task A_running_container_is_verified_from_its_own_files_without_being_disturbed()
    {
        await using var host = docker.CreateHost();
        await host.TagBaseImageAsync();
        var api = host.CreateApi();
        await docker.StartSessionAsync(host.BaseImage, $"{host.Prefix}bare");

        var bare = await api.VerifyAsync(new VerifyRequest($"{host.Prefix}bare"));
        Assert.Equal("container", bare.Kind);
        Assert.False(bare.Passed);
        Assert.False(bare.Checks.Single(check => check.Name == "present").Passed);

        await host.RunAsync(api.ReauthContainerAsync($"{host.Prefix}bare", new ContainerReauthRequest("alice")));
        var reauthenticated = await api.VerifyAsync(new VerifyRequest($"{host.Prefix}bare"));
        Assert.True(reauthenticated.Passed, Describe(reauthenticated));
        Assert.Equal([$"{host.Prefix}bare"], await host.ContainerNamesAsync());
        Assert.DoesNotContain(await host.Engine.ListImageTagsAsync($"{host.Prefix}verify-tmp-", CancellationToken.None), _ => true);
    }

    [Fact]
    public async Task An_image_without_a_shell_fails_the_check_command_with_one_sentence_and_still_checks_the_files()
    {
        await using var host = docker.CreateHost();
        await host.Engine.TagImageAsync(docker.ImportedImage, host.BaseImage, CancellationToken.None);
        var api = host.CreateApi();
        await host.RunAsync(api.SetupAsync(new SetupRequest("alice")));

        var result = await api.VerifyAsync(new VerifyRequest(host.AuthenticatedImage));

        Assert.False(result.Passed);
        var command = result.Checks.Single(check => check.Name == "check-command");
        Assert.Equal("The image has no /bin/sh, so the check command cannot run; the credential file checks above still apply.", command.Detail);
        Assert.True(result.Checks.Single(check => check.Name == "owner-and-mode").Passed);
        Assert.True(result.Checks.Single(check => check.Name == "parseable").Passed);
        Assert.Empty(await host.ContainerNamesAsync());
    }

    [Fact]
    public async Task An_image_written_without_the_refresh_token_passes_verification()
    {
        await using var host = docker.CreateHost(settings => settings["Para:ContainerAuth:IncludeRefreshToken"] = "false");
        await host.TagBaseImageAsync();
        var api = host.CreateApi();
        await host.RunAsync(api.SetupAsync(new SetupRequest("alice")));
        Assert.Equal("", host.Credentials.Issued.Single().Credentials.ClaudeAiOauth.RefreshToken);

        var result = await api.VerifyAsync(new VerifyRequest(host.AuthenticatedImage));

        Assert.True(result.Passed, Describe(result));
        Assert.Equal("claudeAiOauth with an access token (refresh token withheld)", result.Checks.Single(check => check.Name == "parseable").Detail);
    }

    [Fact]
    public async Task An_unknown_target_is_a_not_found_problem()
    {
        await using var host = docker.CreateHost();
        using var client = host.CreateAdminClient();

        using var response = await client.PostAsJsonAsync("/api/verify", new VerifyRequest($"{host.Prefix}nothing:latest"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    private static string Describe(VerifyResult result) =>
        string.Join("; ", result.Checks.Select(check => $"{check.Name}={check.Passed}: {check.Detail}"));
}
