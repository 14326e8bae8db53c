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
        var custom = Enumerable.Range(1, 10).Select(i => $"{host.Prefix}repo{i:00}:latest").ToArray();
        foreach (var image in custom)
        {
            await host.Engine.TagImageAsync(docker.UserBaseImage, image, CancellationToken.None);
        }

        // A custom image whose user has no home: its upload fails, the others must not care.
        var broken = $"{host.Prefix}broken:latest";
        await docker.BuildAsync(broken, $"FROM {docker.UserBaseImage}\nUSER root\nRUN rm -rf /home/para\nUSER para\n");
        await host.RunAsync(host.CreateApi().SetupAsync(new SetupRequest("alice")));
        await docker.StartSessionAsync(host.AuthenticatedImage, $"{host.Prefix}session");

        var (events, job) = await host.WaitAsync(await host.CreateApi().ReauthAllAsync(new ReauthAllRequest(IncludeContainers: true, MaxParallelism: 4)));

        Assert.Equal(JobStates.Failed, job.State);
        Assert.Equal("1 of 13 item(s) failed", job.Error);
        var result = job.Result!.Value.Deserialize<ReauthAllResult>(JsonSerializerOptions.Web)!;
        Assert.Equal(12, result.Succeeded);
        var failed = Assert.Single(result.Items, item => !item.Succeeded);
        Assert.Equal(broken, failed.Source);
        Assert.Contains("/home/para", failed.Error, StringComparison.Ordinal);
        Assert.Contains(result.Items, item => item.Kind == "container" && item.Source == $"{host.Prefix}session" && item.Succeeded);

        var fresh = host.Credentials.Issued.Last();
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
}
