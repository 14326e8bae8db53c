using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Para.ContainerAuth.Credentials;
using Para.ContainerAuth.Tests.Infrastructure;
using Para.Contracts.ContainerAuth;

namespace Para.ContainerAuth.Tests.Images;

[Collection(DockerCollection.Name)]
public sealed class ReauthAllTests(DockerFixture docker)
{
    [Fact]
    public async Task Reauth_all_covers_the_base_ten_custom_images_and_running_containers_and_one_failure_stops_nothing()
    {
        await using var host = docker.CreateHost(settings => settings["Para:ContainerAuth:DefaultAccount"] = "alice");
        await host.TagBaseImageAsync();
        // Custom images as 'para images build' labels them.
        var built = $"{host.Prefix}built:latest";
        await docker.BuildAsync(built, $"FROM {docker.UserBaseImage}\nLABEL para.repo=/src/repo\n");
        var custom = Enumerable.Range(1, 9).Select(i => $"{host.Prefix}repo{i:00}:latest").Append(built).ToArray();
        foreach (var image in custom.SkipLast(1))
        {
            await host.Engine.TagImageAsync(built, image, CancellationToken.None);
        }

        // A custom image whose user has no home: its upload fails, the others must not care.
        var broken = $"{host.Prefix}broken:latest";
        await docker.BuildAsync(broken, $"FROM {built}\nUSER root\nRUN rm -rf /home/para\nUSER para\n");
        await host.RunAsync(host.CreateApi().SetupAsync(new SetupRequest("alice")));
        await docker.StartSessionAsync(host.AuthenticatedImage, $"{host.Prefix}session");

        var fresh = host.Credentials.Rotate("alice"); // refreshed at the account API
        var (events, job) = await host.WaitAsync(await host.CreateApi().ReauthAllAsync(new ReauthAllRequest(IncludeContainers: true, MaxParallelism: 4)));

        Assert.Equal(JobStates.Failed, job.State);
        Assert.Equal("1 of 13 item(s) failed", job.Error);
        var result = job.Result!.Value.Deserialize<ReauthAllResult>(JsonSerializerOptions.Web)!;
        Assert.Equal(12, result.Succeeded);
        var failed = Assert.Single(result.Items, item => !item.Succeeded);
        Assert.Equal(broken, failed.Source);
        Assert.Contains("/home/para", failed.Error, StringComparison.Ordinal);
        Assert.Contains(result.Items, item => item.Kind == "container" && item.Source == $"{host.Prefix}session" && item.Succeeded);

        foreach (var image in custom)
        {
            var authenticated = await host.Engine.FindImageAsync(image.Replace(":latest", "-authenticated:latest", StringComparison.Ordinal), CancellationToken.None);
            Assert.Equal(fresh.Fingerprint, authenticated!.Labels[CredentialLabels.Fingerprint]);
        }

        Assert.Equal(fresh.Fingerprint, (await host.Engine.FindImageAsync(host.AuthenticatedImage, CancellationToken.None))!.Labels[CredentialLabels.Fingerprint]);
        var itemEvents = events.Where(e => e.Step is "base" or "image" or "container").ToArray();
        Assert.Equal(13, itemEvents.Length);
        Assert.Equal(1.0, itemEvents.Max(e => e.Progress), precision: 6);
        Assert.DoesNotContain(await host.ContainerNamesAsync(), name => name.Contains("auth-tmp-", StringComparison.Ordinal));

        // Again: the replaced images go, except the one the running session still uses.
        var (_, again) = await host.WaitAsync(await host.CreateApi().ReauthAllAsync(new ReauthAllRequest()));
        Assert.Equal("1 of 12 item(s) failed", again.Error);
        Assert.Equal(11 + 1, await docker.CountAuthenticatedImagesAsync(host.Prefix));
    }

    [Fact]
    public async Task Reauth_all_takes_the_images_para_manages_and_the_ones_named_and_its_dry_run_lists_exactly_that()
    {
        await using var host = docker.CreateHost();
        await host.TagBaseImageAsync();
        var api = host.CreateApi();
        await host.RunAsync(api.SetupAsync(new SetupRequest("alice")));
        var built = $"{host.Prefix}built:latest";
        await docker.BuildAsync(built, $"FROM {docker.UserBaseImage}\nLABEL para.repo=/src/built\n");
        var onAuthenticated = $"{host.Prefix}layered:latest";
        await docker.BuildAsync(onAuthenticated, $"FROM {host.AuthenticatedImage}\nRUN echo layered > /tmp/layered\n");
        var authenticatedOnce = $"{host.Prefix}once:latest";
        await host.Engine.TagImageAsync(docker.UserBaseImage, authenticatedOnce, CancellationToken.None);
        await host.RunAsync(api.AuthenticateImageAsync(new AuthenticateImageRequest(authenticatedOnce)));
        var stranger = $"{host.Prefix}stranger:latest";
        var named = $"{host.Prefix}named:latest";
        await docker.BuildAsync(stranger, $"FROM {docker.UserBaseImage}\nRUN echo stranger > /tmp/stranger\n");
        await docker.BuildAsync(named, $"FROM {docker.UserBaseImage}\nRUN echo named > /tmp/named\n");
        var request = new ReauthAllRequest(Images: [named]);

        var plan = await api.PlanReauthAllAsync(request);

        Assert.Equal("alice", plan.Account);
        Assert.Equal(
            [("base", host.BaseImage), ("image", built), ("image", onAuthenticated), ("image", named), ("image", authenticatedOnce)],
            plan.Items.Select(item => (item.Kind, item.Source)));
        Assert.Equal([stranger], plan.Unmanaged);
        Assert.Null(await host.Engine.FindImageAsync($"{host.Prefix}named-authenticated:latest", CancellationToken.None));

        var job = await host.RunAsync(api.ReauthAllAsync(request));

        var result = job.Result!.Value.Deserialize<ReauthAllResult>(JsonSerializerOptions.Web)!;
        Assert.Equal(plan.Items.Select(item => (item.Source, item.Target)).Order(), result.Items.Select(item => (item.Source, item.Target!)).Order());
        Assert.Null(await host.Engine.FindImageAsync($"{host.Prefix}stranger-authenticated:latest", CancellationToken.None));
        var fresh = host.Credentials.Issued.Last().Fingerprint;
        Assert.Equal(fresh, (await host.Engine.FindImageAsync($"{host.Prefix}named-authenticated:latest", CancellationToken.None))!.Labels[CredentialLabels.Fingerprint]);
    }

    [Fact]
    public async Task Reauth_all_refuses_an_image_that_is_not_a_para_image_with_a_sentence()
    {
        await using var host = docker.CreateHost(settings => settings["Para:ContainerAuth:DefaultAccount"] = "alice");
        await host.TagBaseImageAsync();
        using var client = host.CreateAdminClient();

        foreach (var path in new[] { "/api/auth/reauth-all", "/api/auth/reauth-all/plan" })
        {
            using var response = await client.PostAsJsonAsync(path, new ReauthAllRequest(Images: [DockerFixture.TestBaseImage]));

            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var detail = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("detail").GetString();
            Assert.StartsWith($"{DockerFixture.TestBaseImage} is not a para image: reauth-all only writes images named {host.Prefix}*", detail, StringComparison.Ordinal);
        }

        Assert.Empty(await host.CreateApi().ListJobsAsync());
        Assert.Empty(host.Credentials.Issued);
    }
}
