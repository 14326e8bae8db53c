using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Para.Client;
using Para.Contracts.Accounts;
using Para.Contracts.ContainerAuth;
using Para.Contracts.Credentials;
using Para.IntegrationTests.Infrastructure;

namespace Para.IntegrationTests;

/// <summary>
/// A refresh at the account API reaches a running container within seconds, through container-auth's
/// account change feed: the real AppHost, the in-test OAuth server and the real engine.
/// </summary>
[Collection(AppHostCollection.Name)]
public sealed class PropagationTests(AppHostFixture fixture) : IDisposable
{
    private readonly ParaAppHost _host = fixture.Host;
    private readonly ServiceProvider _clients = fixture.Host.CreateClients();

    [Fact]
    public async Task A_refresh_reaches_a_running_container_in_place_without_a_restart_and_without_a_refresh_token()
    {
        var accounts = _clients.GetRequiredService<IAccountsApi>();
        var containerAuth = _clients.GetRequiredService<IContainerAuthApi>();
        var begin = await accounts.AddAccountAsync(new AddAccountRequest("feed-agent"));
        await accounts.CompleteOAuthAsync(new CompleteOAuthRequest(begin.State, await fixture.OAuth.SignInAsync(begin.AuthorizeUrl), "feed-agent"));
        var setup = await containerAuth.FollowToEndAsync(await containerAuth.SetupAsync(new SetupRequest("feed-agent")), onStep: null, CancellationToken.None);
        Assert.Equal(JobStates.Succeeded, setup.State);
        var image = $"{_host.NamePrefix}authenticated:latest";
        var container = $"{_host.NamePrefix}feed-agent";
        var id = Docker.Run("run", "-d", "--pull", "never", "--network", "none", "--name", container, image, "/bin/sleep", "300");
        try
        {
            var refreshed = await accounts.RefreshAuthenticationAsync("feed-agent");
            Assert.True(refreshed.IsSuccessStatusCode, refreshed.Error?.Message);
            var fingerprint = (await accounts.GetAccountAsync("feed-agent")).Token!.Fingerprint;

            ClaudeAiOauth? held = null;
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            while (!deadline.IsCancellationRequested)
            {
                held = JsonSerializer.Deserialize<ClaudeCredentialsFile>(Docker.Run("exec", container, "cat", "/root/.claude/.credentials.json"))!.ClaudeAiOauth;
                if (Fingerprint(held.AccessToken) == fingerprint)
                {
                    break;
                }

                await Task.Delay(200, CancellationToken.None);
            }

            Assert.Equal(fingerprint, Fingerprint(held!.AccessToken));
            Assert.Equal("", held.RefreshToken);
            Assert.Equal(id, Docker.Run("inspect", "--format", "{{.Id}}", container));
            Assert.Equal("true", Docker.Run("inspect", "--format", "{{.State.Running}}", container));
            var row = Assert.Single(await containerAuth.ListContainersAsync(), summary => summary.Name == container);
            Assert.Equal(("feed-agent", fingerprint), (row.Account, row.FedFingerprint));
        }
        finally
        {
            Docker.Run("rm", "-f", container);
            Docker.Run("rmi", image);
        }
    }

    public void Dispose() => _clients.Dispose();

    private static string Fingerprint(string secret) =>
        "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)))[..12];
}
