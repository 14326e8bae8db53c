using System.Text.Json;
using Para.ContainerAuth.Credentials;
using Para.ContainerAuth.Tests.Infrastructure;
using Para.Contracts.ContainerAuth;

namespace Para.ContainerAuth.Tests.Images;

[Collection(DockerCollection.Name)]
public sealed class ImportedImageTests(DockerFixture docker)
{
    [Fact]
    public async Task An_imported_image_without_a_command_is_authenticated_and_keeps_no_temporary_container()
    {
        using var client = new global::Docker.DotNet.DockerClientBuilder().WithEndpoint(docker.Engine.Endpoint).Build();
        var imported = await client.Images.InspectImageAsync(docker.ImportedImage);
        Assert.True(imported.Config?.Cmd is null or { Count: 0 }, "the imported image must have no CMD");
        Assert.True(imported.Config?.Entrypoint is null or { Count: 0 }, "the imported image must have no ENTRYPOINT");
        await using var host = docker.CreateHost();
        await host.Engine.TagImageAsync(docker.ImportedImage, host.BaseImage, CancellationToken.None);
        var api = host.CreateApi();

        var (_, job) = await host.WaitAsync(await api.SetupAsync(new SetupRequest("alice")));

        Assert.True(job.State == JobStates.Succeeded, job.Error);
        var image = await host.Engine.FindImageAsync(host.AuthenticatedImage, CancellationToken.None);
        Assert.Equal("alice", image!.Labels[CredentialLabels.Account]);
        var result = await api.VerifyAsync(new VerifyRequest(host.AuthenticatedImage));
        Assert.All(result.Checks.Where(check => check.Name != "check-command"), check => Assert.True(check.Passed, $"{check.Name}: {check.Detail}"));
        Assert.Empty(await host.ContainerNamesAsync());
        Assert.Equal("alice", JsonDocument.Parse(job.Result!.Value.GetRawText()).RootElement.GetProperty("account").GetString());
    }
}
