using Microsoft.Extensions.DependencyInjection;
using Para.ContainerAuth.Images;
using Para.ContainerAuth.Tests.Infrastructure;
using Para.Contracts.ContainerAuth;

namespace Para.ContainerAuth.Tests.Images;

/// <summary><c>autoReauthImages</c>: after a token change, that account's stale images are re-baked, on the real engine.</summary>
[Collection(DockerCollection.Name)]
public sealed class AutoReauthTests(DockerFixture docker)
{
    [Fact]
    public async Task With_the_option_on_a_burst_of_token_changes_re_bakes_that_account_s_stale_images_in_one_job()
    {
        await using var host = docker.CreateHost(settings => settings["Para:ContainerAuth:AutoReauthImages"] = "true");
        var (dev, web) = await AuthenticateImagesAsync(host);
        await ChangeTokensAsync(host);
        var auto = host.Services.GetRequiredService<AutoImageReauth>();

        auto.TokensChanged("alice");
        host.Time.Advance(TimeSpan.FromSeconds(5));
        auto.TokensChanged("alice");
        auto.TokensChanged("alice");
        Assert.DoesNotContain(await host.CreateApi().ListJobsAsync(), job => job.Kind == AutoImageReauth.JobKind);
        host.Time.Advance(TimeSpan.FromSeconds(10));
        var job = await WaitForAutoJobAsync(host);

        Assert.True(job.State == JobStates.Succeeded, job.Error);
        Assert.Equal("alice", job.Target);
        var images = await host.CreateApi().ListImagesAsync();
        Assert.False(Stale(images, host.AuthenticatedImage));
        Assert.False(Stale(images, dev));
        Assert.True(Stale(images, web));
        var latest = host.Credentials.Issued.Last(export => export.AccountName == "alice").Fingerprint;
        Assert.Equal(latest, Assert.Single(images, image => image.Name == dev).Fingerprint);
        Assert.Single(await host.CreateApi().ListJobsAsync(), listed => listed.Kind == AutoImageReauth.JobKind);
    }

    [Fact]
    public async Task With_the_option_off_the_images_stay_stale()
    {
        await using var host = docker.CreateHost();
        var (dev, _) = await AuthenticateImagesAsync(host);
        await ChangeTokensAsync(host);

        host.Services.GetRequiredService<AutoImageReauth>().TokensChanged("alice");
        host.Time.Advance(TimeSpan.FromMinutes(1));

        var images = await host.CreateApi().ListImagesAsync();
        Assert.True(Stale(images, host.AuthenticatedImage));
        Assert.True(Stale(images, dev));
        Assert.DoesNotContain(await host.CreateApi().ListJobsAsync(), job => job.Kind == AutoImageReauth.JobKind);
    }

    /// <summary>The base and a custom image as alice's, another custom image as bob's.</summary>
    private async Task<(string Dev, string Web)> AuthenticateImagesAsync(ContainerAuthHost host)
    {
        await host.TagBaseImageAsync();
        await host.Engine.TagImageAsync(docker.UserBaseImage, $"{host.Prefix}dev:latest", CancellationToken.None);
        await host.Engine.TagImageAsync(docker.UserBaseImage, $"{host.Prefix}web:latest", CancellationToken.None);
        var api = host.CreateApi();
        await host.RunAsync(api.SetupAsync(new SetupRequest("alice")));
        await host.RunAsync(api.AuthenticateImageAsync(new AuthenticateImageRequest($"{host.Prefix}dev:latest", "alice")));
        await host.RunAsync(api.AuthenticateImageAsync(new AuthenticateImageRequest($"{host.Prefix}web:latest", "bob")));
        return ($"{host.Prefix}dev-authenticated:latest", $"{host.Prefix}web-authenticated:latest");
    }

    /// <summary>Both accounts refreshed at the account API: every image now holds an old token.</summary>
    private static async Task ChangeTokensAsync(ContainerAuthHost host)
    {
        host.Credentials.Rotate("alice");
        host.Credentials.Rotate("bob");
        Assert.All((await host.CreateApi().ListImagesAsync()).Where(image => image.Account is not null), image => Assert.True(image.Stale));
    }

    private static async Task<JobInfo> WaitForAutoJobAsync(ContainerAuthHost host)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        while (true)
        {
            if ((await host.CreateApi().ListJobsAsync(timeout.Token)).FirstOrDefault(job => job.Kind == AutoImageReauth.JobKind) is { } started)
            {
                return (await host.WaitAsync(started)).Job;
            }

            await Task.Delay(50, timeout.Token);
        }
    }

    private static bool? Stale(IReadOnlyList<ImageSummary> images, string name) => Assert.Single(images, image => image.Name == name).Stale;
}
