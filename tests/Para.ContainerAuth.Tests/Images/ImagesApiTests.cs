using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Para.ContainerAuth.Credentials;
using Para.ContainerAuth.Tests.Infrastructure;
using Para.Contracts.ContainerAuth;
using Para.Contracts.Credentials;

namespace Para.ContainerAuth.Tests.Images;

[Collection(DockerCollection.Name)]
public sealed class ImagesApiTests(DockerFixture docker)
{
    [Fact]
    public async Task Build_makes_the_repo_image_from_its_custom_dockerfile_and_streams_the_log()
    {
        await using var host = docker.CreateHost();
        var repo = Directory.CreateTempSubdirectory("para-build-");
        try
        {
            var project = Directory.CreateDirectory(Path.Combine(repo.FullName, "MyRepo"));
            Directory.CreateDirectory(Path.Combine(project.FullName, ".para"));
            await File.WriteAllTextAsync(Path.Combine(project.FullName, ".para", "Dockerfile.custom"),
                "FROM para-test-base:latest\nCOPY marker.txt /etc/para-marker\nRUN echo building-para-image\nUSER para\n");
            await File.WriteAllTextAsync(Path.Combine(project.FullName, "marker.txt"), "from the repo\n");

            var (events, job) = await host.WaitAsync(await host.CreateApi().BuildImageAsync(new BuildImageRequest(project.FullName)));

            Assert.True(job.State == JobStates.Succeeded, job.Error);
            Assert.Contains(events, e => e.Step == "build" && e.Message?.Contains("building-para-image", StringComparison.Ordinal) == true);
            var image = await host.Engine.FindImageAsync($"{host.Prefix}myrepo:latest", CancellationToken.None);
            Assert.NotNull(image);
            Assert.Equal("para", image.User);
        }
        finally
        {
            repo.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Build_without_a_custom_dockerfile_is_a_validation_problem()
    {
        await using var host = docker.CreateHost();
        using var client = host.CreateAdminClient();

        using var response = await client.PostAsJsonAsync("/api/images/build", new BuildImageRequest(Path.GetTempPath()));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Dockerfile.custom", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Authenticating_para_dev_makes_para_dev_authenticated_with_fresh_credentials_of_the_base_account_and_leaves_the_base_alone()
    {
        await using var host = docker.CreateHost();
        await host.TagBaseImageAsync();
        var api = host.CreateApi();
        await host.RunAsync(api.SetupAsync(new SetupRequest("alice")));
        var baseAuthenticated = await host.Engine.FindImageAsync(host.AuthenticatedImage, CancellationToken.None);
        var dev = $"{host.Prefix}dev:latest";
        await docker.BuildAsync(dev, $"FROM {docker.UserBaseImage}\nRUN echo dev > /tmp/dev\n");
        host.Credentials.Rotate("alice"); // refreshed at the account API since the base was made

        var job = await host.RunAsync(api.AuthenticateImageAsync(new AuthenticateImageRequest(dev)));

        var result = job.Result!.Value.Deserialize<ImageResult>(JsonSerializerOptions.Web)!;
        Assert.Equal($"{host.Prefix}dev-authenticated:latest", result.Image);
        Assert.Equal(baseAuthenticated!.Id, (await host.Engine.FindImageAsync(host.AuthenticatedImage, CancellationToken.None))!.Id);
        // Asked of the account service for the account the base's label names, not read back out of the base.
        Assert.Equal(2, host.Credentials.Handed.Count);
        var fresh = host.Credentials.Issued.Last();
        var devAuthenticated = await host.Engine.FindImageAsync(result.Image, CancellationToken.None);
        Assert.Equal("alice", devAuthenticated!.Labels[CredentialLabels.Account]);
        Assert.Equal(fresh.Fingerprint, devAuthenticated.Labels[CredentialLabels.Fingerprint]);
        Assert.NotEqual(baseAuthenticated.Labels[CredentialLabels.Fingerprint], fresh.Fingerprint);
        Assert.Equal(fresh.ExpiresAt, CredentialLabels.ReadTime(devAuthenticated.Labels, CredentialLabels.ExpiresAt));

        var verify = await api.VerifyAsync(new VerifyRequest(result.Image, "test -f /tmp/dev && grep -q fake-access-alice-2 \"$HOME/.claude/.credentials.json\""));
        Assert.True(verify.Passed, string.Join("; ", verify.Checks.Select(check => $"{check.Name}: {check.Detail}")));
    }

    [Fact]
    public async Task Authenticating_without_an_account_when_nothing_names_one_is_a_problem_that_says_so()
    {
        await using var host = docker.CreateHost();
        var dev = $"{host.Prefix}dev:latest";
        await host.Engine.TagImageAsync(docker.UserBaseImage, dev, CancellationToken.None);
        using var client = host.CreateAdminClient();

        using var response = await client.PostAsJsonAsync("/api/images/authenticate", new AuthenticateImageRequest(dev));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var detail = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("detail").GetString();
        Assert.Equal(
            $"No account given, {host.AuthenticatedImage} names none and Para:ContainerAuth:DefaultAccount is not set; name one with --account.",
            detail);
        Assert.Empty(host.Credentials.Issued);
        Assert.Null(await host.Engine.FindImageAsync($"{host.Prefix}dev-authenticated:latest", CancellationToken.None));
    }

    [Fact]
    public async Task Authenticating_with_a_named_account_asks_the_account_api()
    {
        await using var host = docker.CreateHost();
        var dev = $"{host.Prefix}dev:latest";
        await host.Engine.TagImageAsync(docker.UserBaseImage, dev, CancellationToken.None);

        var job = await host.RunAsync(host.CreateApi().AuthenticateImageAsync(new AuthenticateImageRequest(dev, "bob")));

        var image = await host.Engine.FindImageAsync($"{host.Prefix}dev-authenticated:latest", CancellationToken.None);
        Assert.Equal("bob", image!.Labels[CredentialLabels.Account]);
        Assert.Equal(JobStates.Succeeded, job.State);
    }

    [Fact]
    public async Task The_image_list_shows_each_para_image_with_its_credential_status()
    {
        await using var host = docker.CreateHost();
        await host.TagBaseImageAsync();
        var api = host.CreateApi();
        await host.RunAsync(api.SetupAsync(new SetupRequest("alice")));

        var images = await api.ListImagesAsync();

        var baseImage = Assert.Single(images, image => image.Name == host.BaseImage);
        Assert.Equal(CredentialStatus.None, baseImage.CredentialStatus);
        var authenticated = Assert.Single(images, image => image.Name == host.AuthenticatedImage);
        Assert.Equal(CredentialStatus.Valid, authenticated.CredentialStatus);
        Assert.Equal("alice", authenticated.Account);
        Assert.Equal(host.Credentials.Issued.Single().ExpiresAt, authenticated.ExpiresAt);
        Assert.DoesNotContain(images, image => !image.Name.StartsWith(host.Prefix, StringComparison.Ordinal));
    }
}
