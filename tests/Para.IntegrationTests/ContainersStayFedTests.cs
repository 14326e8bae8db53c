using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Para.Accounts.Tests.Infrastructure;
using Para.Client;
using Para.Contracts;
using Para.Contracts.Accounts;
using Para.Contracts.ContainerAuth;
using Para.Contracts.Credentials;
using Para.Contracts.Health;
using Para.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace Para.IntegrationTests;

/// <summary>
/// The end-to-end scenario in real time: the real AppHost, the real engine and the in-test
/// OpenIddict server issuing 20-second access tokens. Para is the only refresher; three running
/// containers from the authenticated base and two custom images must hold a token the server
/// accepts at every moment, never a refresh token, and be fed again after a revoked grant is
/// re-authenticated, without a restart. Its own AppHost, run alone: its figures are wall-clock.
/// </summary>
[Collection(ContainersStayFedCollection.Name)]
[Trait("Timing", "RealTime")] // tests/run.sh runs it after every other test, alone
public sealed class ContainersStayFedTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Account = "fed-agent";
    private static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(20);

    /// <summary>Issue to due: Para refreshes when a quarter of a short token's life is left (Para:Tokens:ShortLifetimeRefreshFraction).</summary>
    private static readonly TimeSpan RefreshInterval = Lifetime * 0.75;

    private static readonly TimeSpan SamplePeriod = TimeSpan.FromSeconds(2);
    private readonly OAuthServerFixture _oauth = new() { AccessTokenLifetime = Lifetime };
    private ParaAppHost _host = null!;
    private ServiceProvider _clients = null!;

    private IAccountsApi Accounts => _clients.GetRequiredService<IAccountsApi>();

    private IContainerAuthApi ContainerAuth => _clients.GetRequiredService<IContainerAuthApi>();

    public async Task InitializeAsync()
    {
        await _oauth.InitializeAsync();
        _host = await ParaAppHost.StartAsync(_oauth);
        _clients = _host.CreateClients();
    }

    public async Task DisposeAsync()
    {
        _clients?.Dispose();
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        await _oauth.DisposeAsync();
    }

    [Fact]
    public async Task Three_containers_hold_an_accepted_access_token_for_four_lifetimes_and_are_fed_again_in_place_after_a_revoked_grant_is_reauthenticated()
    {
        var total = Stopwatch.StartNew();
        var prefix = _host.NamePrefix;
        var images = new[] { $"{prefix}authenticated:latest", $"{prefix}dev-authenticated:latest", $"{prefix}web-authenticated:latest" };
        var containers = new[] { $"{prefix}agent-base", $"{prefix}agent-dev", $"{prefix}agent-web" };
        var cleanup = new List<string[]>();
        try
        {
            // One account, the authenticated base, two custom images authenticated from it.
            var begin = await Accounts.AddAccountAsync(new AddAccountRequest(Account));
            await Accounts.CompleteOAuthAsync(new CompleteOAuthRequest(begin.State, await _oauth.SignInAsync(begin.AuthorizeUrl), Account));
            cleanup.Add(["rmi", "-f", images[0]]);
            Assert.Equal(JobStates.Succeeded, (await FollowAsync(ContainerAuth.SetupAsync(new SetupRequest(Account)))).State);
            foreach (var custom in new[] { "dev", "web" })
            {
                Docker.Run("tag", "para-test-base:latest", $"{prefix}{custom}:latest");
                cleanup.Add(["rmi", "-f", $"{prefix}{custom}:latest", $"{prefix}{custom}-authenticated:latest"]);
                Assert.Equal(JobStates.Succeeded, (await FollowAsync(ContainerAuth.AuthenticateImageAsync(new AuthenticateImageRequest($"{prefix}{custom}:latest", Account)))).State);
            }

            // Three long-running containers, started by the person with the docker CLI, nothing else.
            var ids = new string[containers.Length];
            for (var i = 0; i < containers.Length; i++)
            {
                cleanup.Insert(0, ["rm", "-f", containers[i]]);
                ids[i] = Docker.Run("run", "-d", "--pull", "never", "--network", "none", "--name", containers[i], images[i], "/bin/sleep", "600");
            }

            var startedAt = containers.Select(c => Docker.Run("inspect", "--format", "{{.State.StartedAt}}", c)).ToArray();
            var started = Stopwatch.StartNew();
            await WaitUntilAsync(async () => (await ReadAllAsync(containers)).All(held => held.Accepted), TimeSpan.FromSeconds(20), "every container holds an accepted token after it started");
            output.WriteLine($"all three fed after start: {started.Elapsed.TotalSeconds:0.0} s");

            // Four access-token lifetimes, sampled every 2 s.
            var samples = 0;
            var oldest = TimeSpan.Zero;
            var slowestRead = TimeSpan.Zero;
            var refreshesBefore = _oauth.RefreshRequests;
            var failures = new List<string>();
            var run = Stopwatch.StartNew();
            using (var period = new PeriodicTimer(SamplePeriod, TimeProvider.System))
            {
                while (run.Elapsed < Lifetime * 4)
                {
                    var held = await ReadAllAsync(containers);
                    samples++;
                    foreach (var (name, credentials, accepted, age, readTook) in held)
                    {
                        oldest = age > oldest ? age : oldest;
                        slowestRead = readTook > slowestRead ? readTook : slowestRead;
                        if (!accepted)
                        {
                            failures.Add($"{run.Elapsed.TotalSeconds:0.0} s: {name} holds a token the server refuses ({age.TotalSeconds:0.0} s old)");
                        }

                        if (credentials.RefreshToken.Length != 0)
                        {
                            failures.Add($"{run.Elapsed.TotalSeconds:0.0} s: {name} holds a refresh token");
                        }
                    }

                    await period.WaitForNextTickAsync();
                }
            }

            var refreshes = _oauth.RefreshRequests - refreshesBefore;
            output.WriteLine($"{samples} samples over {run.Elapsed.TotalSeconds:0.0} s: oldest token seen in a container {oldest.TotalSeconds:0.0} s old (lifetime {Lifetime.TotalSeconds:0} s), slowest docker exec read {slowestRead.TotalSeconds:0.0} s; "
                + $"{refreshes} refreshes; {_oauth.RejectedRefreshes} rejected");
            var runStartedAt = DateTimeOffset.UtcNow - run.Elapsed;
            var refreshedAt = string.Join(", ", _oauth.RefreshRequestTimes.Select(at => $"{(at - runStartedAt).TotalSeconds:0.0} s"));
            Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures.Prepend($"refresh requests at {refreshedAt}")));
            Assert.Equal(0, _oauth.RejectedRefreshes);
            Assert.InRange(refreshes, 4, 7); // one per refresh interval (15 s) over 80 s: Para alone refreshes, and only when due
            Assert.True(oldest < Lifetime, $"oldest token {oldest}");

            // The grant is revoked at the provider: the next refresh finds out, and every view says so.
            var revokedToken = (await ReadAllAsync(containers))[0].Credentials.AccessToken;
            await _oauth.RevokeGrantAsync(revokedToken);
            var revoked = Stopwatch.StartNew();
            await WaitUntilAsync(async () => (await Accounts.GetAccountAsync(Account)).Status == TokenStatuses.RequiresReauth, RefreshInterval + TimeSpan.FromSeconds(10), "the account requires re-authentication");
            var toRequiresReauth = revoked.Elapsed;
            await WaitUntilAsync(async () => (await Accounts.GetAuthHealthAsync()).Accounts.Single(a => a.Name == Account).RequiresReauth, TimeSpan.FromSeconds(10), "/health/auth says so");
            var authHealth = await Accounts.GetAuthHealthAsync();
            Assert.Equal(AuthHealthStatuses.Unauthenticated, authHealth.Status);
            Assert.False(authHealth.Accounts.Single().IsAuthenticated);
            Assert.Equal("degraded", await AuthenticationCheckAsync());
            output.WriteLine($"revoked grant seen as requires-reauth after {toRequiresReauth.TotalSeconds:0.0} s (refresh interval {RefreshInterval.TotalSeconds:0} s)");
            Assert.True(toRequiresReauth <= RefreshInterval + TimeSpan.FromSeconds(2), $"{toRequiresReauth} is longer than one refresh cycle");
            Assert.Equal(1, _oauth.RejectedRefreshes); // the one refresh that found the grant revoked; none after it

            // The person signs in again; every container is fed the new token where it runs.
            var reauth = await Accounts.BeginReauthenticationAsync(Account);
            var code = await _oauth.SignInAsync(reauth.AuthorizeUrl);
            var signedIn = Stopwatch.StartNew();
            var view = await Accounts.CompleteOAuthAsync(new CompleteOAuthRequest(reauth.State, code));
            Assert.Equal(TokenStatuses.Ok, view.Status);
            await WaitUntilAsync(async () => (await ReadAllAsync(containers)).All(held => held.Accepted && held.Credentials.AccessToken != revokedToken), TimeSpan.FromSeconds(15), "every container holds the new token");
            output.WriteLine($"all three fed the new token {signedIn.Elapsed.TotalSeconds:0.0} s after re-authentication; whole test {total.Elapsed.TotalSeconds:0} s");

            foreach (var held in await ReadAllAsync(containers))
            {
                Assert.True(held.Accepted, held.Name);
                Assert.Equal("", held.Credentials.RefreshToken);
            }

            for (var i = 0; i < containers.Length; i++)
            {
                Assert.Equal(ids[i], Docker.Run("inspect", "--format", "{{.Id}}", containers[i]));
                Assert.Equal("true", Docker.Run("inspect", "--format", "{{.State.Running}}", containers[i]));
                Assert.Equal(startedAt[i], Docker.Run("inspect", "--format", "{{.State.StartedAt}}", containers[i]));
            }

            Assert.Equal(1, _oauth.RejectedRefreshes);
        }
        finally
        {
            foreach (var arguments in cleanup)
            {
                try
                {
                    Docker.Run(arguments);
                }
                catch (InvalidOperationException)
                {
                    // Already gone, or never made.
                }
            }
        }
    }

    private Task<JobInfo> FollowAsync(Task<JobInfo> started) =>
        started.ContinueWith(job => ContainerAuth.FollowToEndAsync(job.Result, onStep: null, CancellationToken.None), TaskScheduler.Default).Unwrap();

    /// <summary>Every container's credentials file, whether the server accepts its token now, and the token's age.</summary>
    private async Task<Held[]> ReadAllAsync(string[] containers) =>
        await Task.WhenAll(containers.Select(async container =>
        {
            var reading = DateTimeOffset.UtcNow;
            var json = await Docker.RunAsync("exec", container, "sh", "-c", "cat \"$HOME/.claude/.credentials.json\"");
            var read = DateTimeOffset.UtcNow - reading;
            var credentials = JsonSerializer.Deserialize<ClaudeCredentialsFile>(json)!.ClaudeAiOauth;
            var accepted = await _oauth.AcceptsAccessTokenAsync(credentials.AccessToken);
            // Its age when the server was asked: the moment that counts for an agent sending it.
            var age = DateTimeOffset.UtcNow - (DateTimeOffset.FromUnixTimeMilliseconds(credentials.ExpiresAt) - Lifetime);
            return new Held(container, credentials, accepted, age, read);
        }));

    /// <summary>The accounts service's <c>/health</c> entry for authentication.</summary>
    private async Task<string?> AuthenticationCheckAsync()
    {
        using var client = _host.CreateAdminClient(ServiceNames.Accounts);
        using var document = JsonDocument.Parse(await client.GetStringAsync(new Uri("/health", UriKind.Relative)));
        return document.RootElement.GetProperty("checks").GetProperty("authentication").GetProperty("status").GetString();
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan within, string what)
    {
        var deadline = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(deadline.Elapsed < within, $"Not within {within.TotalSeconds:0} s: {what}.");
            await Task.Delay(250);
        }
    }

    private sealed record Held(string Name, ClaudeAiOauth Credentials, bool Accepted, TimeSpan Age, TimeSpan ReadTook);
}

/// <summary>Runs alone in its assembly, and tests/run.sh runs it after the other projects: its timings are real time on a shared 2-core machine.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ContainersStayFedCollection
{
    public const string Name = "Containers stay fed (real time)";
}
