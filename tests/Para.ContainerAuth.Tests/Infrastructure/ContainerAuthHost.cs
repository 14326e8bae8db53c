using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Para.Client;
using Para.ContainerAuth.Credentials;
using Para.ContainerAuth.Docker;
using Para.Contracts.ContainerAuth;
using Para.ServiceDefaults.Security;
using Refit;

namespace Para.ContainerAuth.Tests.Infrastructure;

/// <summary>
/// The container-auth service in process, on the real engine, with its own name prefix
/// (base <c>&lt;prefix&gt;claude:latest</c>, authenticated <c>&lt;prefix&gt;authenticated:latest</c>).
/// </summary>
public sealed class ContainerAuthHost : WebApplicationFactory<Program>
{
    public const string Key = "container-auth-test-key";

    private readonly Dictionary<string, string?> _settings;
    private readonly string? _ownedDataDirectory;

    public ContainerAuthHost(DockerFixture docker, string prefix, Action<Dictionary<string, string?>>? configure, DateTimeOffset? now)
    {
        Docker = docker;
        Prefix = prefix;
        Time = new FakeTimeProvider(now ?? DateTimeOffset.UtcNow);
        Credentials = new FixedCredentialSource(Time);
        _settings = new Dictionary<string, string?>
        {
            [AdminKeyAuthentication.AdminKeyConfigurationKey] = Key,
            ["Para:ContainerAuth:NamePrefix"] = prefix,
            ["Para:ContainerAuth:BaseImage"] = BaseImage,
            ["Para:ContainerAuth:AuthenticatedImage"] = AuthenticatedImage,
            ["Para:ContainerAuth:VerifyCommand"] = "test -s \"$HOME/.claude/.credentials.json\"",
            ["Para:ContainerAuth:VerifyTimeout"] = "00:00:30",
        };
        configure?.Invoke(_settings);
        // Its own data folder (assignments live there), unless the test shares one between hosts.
        if (!_settings.TryGetValue(ParaDataDirectory.EnvironmentVariable, out var dataDirectory) || dataDirectory is null)
        {
            _ownedDataDirectory = Directory.CreateTempSubdirectory("para-container-auth-").FullName;
            _settings[ParaDataDirectory.EnvironmentVariable] = _ownedDataDirectory;
        }

        DataDirectory = _settings[ParaDataDirectory.EnvironmentVariable]!;
    }

    /// <summary>The service's data folder (<c>PARA_DATA_DIR</c>).</summary>
    public string DataDirectory { get; }

    public DockerFixture Docker { get; }

    public string Prefix { get; }

    public string BaseImage => $"{Prefix}claude:latest";

    public string AuthenticatedImage => $"{Prefix}authenticated:latest";

    public FakeTimeProvider Time { get; }

    public FixedCredentialSource Credentials { get; }

    public DockerEngine Engine => Docker.Engine;

    /// <summary>The base image: the test base with <c>USER para</c>, under this host's prefix.</summary>
    public Task TagBaseImageAsync() => Engine.TagImageAsync(Docker.UserBaseImage, BaseImage, CancellationToken.None);

    public HttpClient CreateAdminClient()
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Key);
        return client;
    }

    /// <summary>The same Refit client the CLI uses, over the in-process server.</summary>
    public IContainerAuthApi CreateApi() => RestService.For<IContainerAuthApi>(CreateAdminClient(),
        new RefitSettings(new SystemTextJsonContentSerializer(new JsonSerializerOptions(JsonSerializerDefaults.Web))));

    /// <summary>Follows the job's server-sent events to its end; returns them and the final job.</summary>
    public async Task<(IReadOnlyList<JobEvent> Events, JobInfo Job)> WaitAsync(JobInfo started)
    {
        var api = CreateApi();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var events = new List<JobEvent>();
        await using (var stream = await api.StreamJobEventsAsync(started.Id, timeout.Token))
        {
            await foreach (var jobEvent in JobEventStream.ReadAsync(stream, timeout.Token))
            {
                events.Add(jobEvent);
            }
        }

        return (events, await api.GetJobAsync(started.Id, timeout.Token));
    }

    public async Task<JobInfo> RunAsync(Task<JobInfo> start)
    {
        var (_, job) = await WaitAsync(await start);
        Assert.True(job.State == JobStates.Succeeded, $"job {job.Kind} {job.State}: {job.Error}");
        return job;
    }

    /// <summary>Names of containers, running or not, that start with this host's prefix.</summary>
    /// <summary>
    /// Waits until each container has been fed once: a started container is fed from the engine's
    /// start event, and a test that writes credentials itself lets that feed land first.
    /// </summary>
    public async Task WaitUntilFedAsync(params string[] containerIds)
    {
        var api = CreateApi();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while ((await api.ListContainersAsync()).Count(container => containerIds.Contains(container.Id) && container.FedFingerprint is not null) < containerIds.Length)
        {
            Assert.True(DateTime.UtcNow < deadline, "the started containers were not fed within 20 s");
            await Task.Delay(100);
        }
    }

    public async Task<IReadOnlyList<string>> ContainerNamesAsync() =>
        (await Engine.ListContainersAsync(includeStopped: true, CancellationToken.None))
            .Select(container => container.Name)
            .Where(name => name.StartsWith(Prefix, StringComparison.Ordinal))
            .ToArray();

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_ownedDataDirectory is not null && Directory.Exists(_ownedDataDirectory))
        {
            Directory.Delete(_ownedDataDirectory, recursive: true);
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton<TimeProvider>(Time);
            services.AddSingleton<ICredentialSource>(provider =>
            {
                // The same option the real source passes to the account API.
                Credentials.IncludeRefreshToken = provider.GetRequiredService<IOptions<ContainerAuthOptions>>().Value.IncludeRefreshToken;
                return Credentials;
            });
        });
    }
}
