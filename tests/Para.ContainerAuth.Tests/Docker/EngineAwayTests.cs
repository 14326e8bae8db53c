using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Para.ContainerAuth.Tests.Infrastructure;
using Para.Contracts.ContainerAuth;

namespace Para.ContainerAuth.Tests.Docker;

[Collection(DockerCollection.Name)]
public sealed class EngineAwayTests(DockerFixture docker)
{
    [Fact]
    public async Task Without_an_engine_the_service_runs_degraded_answers_503_and_recovers_when_the_engine_returns()
    {
        var folder = Directory.CreateTempSubdirectory("para-dead-docker-");
        var socket = Path.Combine(folder.FullName, "docker.sock");
        try
        {
            await using var host = docker.CreateHost(settings => settings["Para:Docker:Endpoint"] = $"unix://{socket}");
            await host.TagBaseImageAsync();
            using var client = host.CreateAdminClient();

            var docker503 = await DockerCheckAsync(client);
            Assert.Equal("degraded", docker503.GetProperty("status").GetString());
            Assert.Contains(socket, docker503.GetProperty("description").GetString(), StringComparison.Ordinal);

            using var setup = await client.PostAsJsonAsync("/api/auth/setup", new SetupRequest("alice"));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, setup.StatusCode);
            Assert.Equal("application/problem+json", setup.Content.Headers.ContentType?.MediaType);
            var detail = JsonDocument.Parse(await setup.Content.ReadAsStringAsync()).RootElement.GetProperty("detail").GetString()!;
            Assert.Contains(socket, detail, StringComparison.Ordinal);
            Assert.DoesNotContain('\n', detail);
            Assert.Contains("no socket at", detail, StringComparison.Ordinal);
            using var images = await client.GetAsync(new Uri("/api/images", UriKind.Relative));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, images.StatusCode);

            var status = await host.CreateApi().GetAuthStatusAsync();
            Assert.False(status.EngineReachable);
            Assert.Contains(socket, status.EngineProblem, StringComparison.Ordinal);

            // The engine comes back at the same address: no restart, no reconfiguration.
            await using var engine = new UnixSocketForwarder(socket, docker.Engine.Endpoint.AbsolutePath);
            Assert.Equal("healthy", (await DockerCheckAsync(client)).GetProperty("status").GetString());
            var job = await host.RunAsync(host.CreateApi().SetupAsync(new SetupRequest("alice")));
            Assert.Equal(JobStates.Succeeded, job.State);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static async Task<JsonElement> DockerCheckAsync(HttpClient client)
    {
        using var response = await client.GetAsync(new Uri("/health", UriKind.Relative));
        var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.GetProperty("checks").GetProperty("docker").Clone();
    }
}
