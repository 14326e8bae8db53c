using Para.ContainerAuth.Docker;
using Para.ContainerAuth.Tests.Infrastructure;
using Para.Contracts.ContainerAuth;

namespace Para.ContainerAuth.Tests.Images;

/// <summary>Temporary containers an interrupted job left behind go; the ones of running work and everything else stay.</summary>
[Collection(DockerCollection.Name)]
public sealed class TemporaryContainerTests(DockerFixture docker)
{
    [Fact]
    public async Task Leftover_temporary_containers_are_swept_at_start_up_and_other_para_containers_stay()
    {
        await using var host = docker.CreateHost();
        await host.TagBaseImageAsync();
        await CreateAsync(host, $"{host.Prefix}auth-tmp-crashed");
        await CreateAsync(host, $"{host.Prefix}verify-tmp-crashed");
        await CreateAsync(host, $"{host.Prefix}agent");

        using var client = host.CreateAdminClient();

        Assert.Equal([$"{host.Prefix}agent"], await WaitForContainersAsync(host, names => names.Count == 1));
    }

    [Fact]
    public async Task Leftover_temporary_containers_are_swept_when_the_engine_comes_back()
    {
        var folder = Directory.CreateTempSubdirectory("para-dead-docker-");
        var socket = Path.Combine(folder.FullName, "docker.sock");
        try
        {
            await using var host = docker.CreateHost(settings => settings["Para:Docker:Endpoint"] = $"unix://{socket}");
            await host.TagBaseImageAsync();
            using var client = host.CreateAdminClient();
            Assert.False((await host.CreateApi().GetAuthStatusAsync()).EngineReachable);
            // Left by a job that was running when dockerd died.
            await CreateAsync(host, $"{host.Prefix}auth-tmp-interrupted");
            await CreateAsync(host, $"{host.Prefix}agent");

            await using var engine = new UnixSocketForwarder(socket, docker.Engine.Endpoint.AbsolutePath);
            using var health = await client.GetAsync(new Uri("/health", UriKind.Relative));

            Assert.Equal([$"{host.Prefix}agent"], await WaitForContainersAsync(host, names => names.Count == 1));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Cleanup_of_temporaries_leaves_the_temporary_container_of_work_still_running()
    {
        await using var host = docker.CreateHost();
        await host.TagBaseImageAsync();
        var api = host.CreateApi();
        await host.RunAsync(api.SetupAsync(new SetupRequest("alice")));
        await CreateAsync(host, $"{host.Prefix}auth-tmp-crashed");

        // The check command keeps verify's temporary container busy while cleanup runs.
        var verifying = api.VerifyAsync(new VerifyRequest(host.AuthenticatedImage, "sleep 4; test -s \"$HOME/.claude/.credentials.json\""));
        var busy = await WaitForRunningCheckAsync(host);

        var dryRun = await api.CleanupAsync(new CleanupRequest(DryRun: true, TemporaryOnly: true));
        var real = await api.CleanupAsync(new CleanupRequest(TemporaryOnly: true));

        Assert.Equal([$"{host.Prefix}auth-tmp-crashed"], dryRun.Containers);
        Assert.Equal(dryRun.Containers, real.Containers);
        Assert.Contains(busy, await host.ContainerNamesAsync());
        var verified = await verifying;
        Assert.True(verified.Passed, string.Join("; ", verified.Checks.Select(check => $"{check.Name}: {check.Detail}")));
        Assert.Empty(await host.ContainerNamesAsync());
        Assert.NotNull(await host.Engine.FindImageAsync(host.AuthenticatedImage, CancellationToken.None));
    }

    private static Task CreateAsync(ContainerAuthHost host, string name) =>
        host.Engine.CreateContainerAsync(new ContainerSpec(host.BaseImage, name, ["/bin/true"], new Dictionary<string, string>()), CancellationToken.None);

    /// <summary>The check command's container, once it runs (the file checks' container before it is never started).</summary>
    private static async Task<string> WaitForRunningCheckAsync(ContainerAuthHost host)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            var running = (await host.Engine.ListContainersAsync(includeStopped: false, CancellationToken.None))
                .Select(container => container.Name)
                .FirstOrDefault(name => name.StartsWith($"{host.Prefix}verify-tmp-", StringComparison.Ordinal));
            if (running is not null)
            {
                return running;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException("verify's check command did not start within 30 seconds");
    }

    private static async Task<IReadOnlyList<string>> WaitForContainersAsync(ContainerAuthHost host, Func<IReadOnlyList<string>, bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var names = await host.ContainerNamesAsync();
            if (condition(names) || DateTime.UtcNow > deadline)
            {
                return names;
            }

            await Task.Delay(100);
        }
    }
}
