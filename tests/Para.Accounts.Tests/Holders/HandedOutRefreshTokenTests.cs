using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Para.Accounts.Tests.Infrastructure;
using Para.Accounts.Tokens;
using Para.Contracts.ContainerAuth;
using Para.Contracts.Credentials;
using Para.Contracts.Health;
using Xunit.Abstractions;

namespace Para.Accounts.Tests.Holders;

/// <summary>
/// The opt-in refresh token in containers: Claude Code inside refreshes by itself, and Para must
/// never present the refresh token that spent. Against the strict OpenIddict server, which revokes
/// the grant on a replay, and (for the holders) a real container-auth on the real engine.
/// </summary>
public sealed class HandedOutRefreshTokenTests(OAuthServerFixture oauth, ITestOutputHelper output) : IClassFixture<OAuthServerFixture>
{
    private static readonly TimeSpan BeforeTheWindow = TimeSpan.FromHours(8) - TimeSpan.FromMinutes(35);
    private static readonly TimeSpan IntoTheWindow = TimeSpan.FromMinutes(6);

    public enum Trigger
    {
        Background,
        OnDemand,
        Manual,
    }

    [Fact]
    public async Task The_test_provider_refuses_a_replayed_refresh_token_counts_it_and_revokes_the_chain()
    {
        await using var factory = new AccountsApiFactory(oauth);
        var account = await factory.SignInAsync("replay", autoRefresh: false);
        var spent = factory.Store.Find(account.Id)!.Tokens!.RefreshToken;
        var rejected = oauth.RejectedRefreshes;

        var first = await oauth.RedeemRefreshTokenAsync(spent);
        var replay = await oauth.RedeemRefreshTokenAsync(spent);
        var successor = JsonDocument.Parse(first.Body).RootElement.GetProperty("refresh_token").GetString()!;
        var afterReplay = await oauth.RedeemRefreshTokenAsync(successor);

        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Equal(HttpStatusCode.BadRequest, replay.Status);
        Assert.Contains("invalid_grant", replay.Body, StringComparison.Ordinal);
        // Strict: the replay revoked the whole chain, the token the first redemption issued included.
        Assert.Equal(HttpStatusCode.BadRequest, afterReplay.Status);
        Assert.Equal(2, oauth.RejectedRefreshes - rejected);
    }

    [Theory]
    [InlineData(Trigger.Background)]
    [InlineData(Trigger.OnDemand)]
    [InlineData(Trigger.Manual)]
    public async Task A_container_that_refreshed_by_itself_is_adopted_from_and_the_provider_never_sees_a_spent_token(Trigger trigger)
    {
        await using var services = HolderServices.Start(oauth);
        var accounts = services.Accounts;
        var manager = accounts.Services.GetRequiredService<TokenManager>();
        var account = await accounts.SignInAsync("holder", autoRefresh: trigger == Trigger.Background);
        var holder = services.RunContainer("holder-1", "holder");
        var sibling = services.RunContainer("holder-2", "holder");
        using var containerAuth = services.CreateContainerAuthClient();

        // Include mode: container-auth feeds both containers the refresh token, and the account API remembers it left.
        var fed = await PostAsync<FeedReport>(containerAuth, "/api/containers/feed?account=holder");
        Assert.Equal((2, 2), (fed.Containers, fed.Fed));
        var issued = accounts.Store.Find(account.Id)!;
        Assert.NotNull(issued.RefreshTokenHandedOutAtMs);
        Assert.Equal(issued.Tokens!.RefreshToken, HolderServices.ReadCredentials(holder).RefreshToken);

        // Claude Code in the holder refreshes at the provider by itself, spending the refresh token Para holds.
        accounts.Time.Advance(BeforeTheWindow);
        var rejected = oauth.RejectedRefreshes;
        var selfRefreshed = await RefreshAtTheProviderAsync(HolderServices.ReadCredentials(holder), accounts.Time.GetUtcNow());
        HolderServices.WriteCredentials(holder, selfRefreshed);
        var requests = oauth.RefreshRequests;

        accounts.Time.Advance(IntoTheWindow);
        switch (trigger)
        {
            case Trigger.Background:
                await WaitUntilAsync(() => manager.RefreshStatusOf(account.Id).AdoptionCount == 1);
                break;
            case Trigger.OnDemand:
                Assert.Equal(selfRefreshed.AccessToken, (await manager.GetValidAccessTokenAsync("holder", CancellationToken.None)).AccessToken);
                break;
            default:
                var outcome = await manager.RefreshAsync("holder", RefreshTrigger.Manual, CancellationToken.None);
                Assert.True(outcome.Succeeded, outcome.Message);
                Assert.Contains($"from container {holder}", outcome.Message, StringComparison.Ordinal);
                break;
        }

        var adopted = accounts.Store.Find(account.Id)!;
        Assert.Equal((selfRefreshed.AccessToken, selfRefreshed.RefreshToken), (adopted.Tokens!.AccessToken, adopted.Tokens.RefreshToken));
        Assert.Equal(0, oauth.RejectedRefreshes - rejected);
        Assert.Equal(requests, oauth.RefreshRequests);
        var line = (await AuthHealthAsync(accounts)).Accounts.Single(health => health.Name == "holder");
        Assert.Equal((true, 1L, 0L, 0, (string?)null), (line.IsAuthenticated, line.Adoptions, line.RefreshCount, line.ConsecutiveFailures, line.LastError));
        Assert.NotNull(line.RefreshTokenHandedOutAt);

        // The adoption is announced: container-auth feeds the newer tokens to the account's other container.
        await WaitUntilAsync(() => HolderServices.ReadCredentials(sibling).RefreshToken == selfRefreshed.RefreshToken);

        // Para's next refresh presents the adopted refresh token, which the provider honours.
        accounts.Time.Advance(TimeSpan.FromHours(8) - TimeSpan.FromMinutes(29));
        await manager.RefreshAsync("holder", RefreshTrigger.Manual, CancellationToken.None);
        await WaitUntilAsync(() => manager.RefreshStatusOf(account.Id).RefreshCount == 1);
        var refreshed = accounts.Store.Find(account.Id)!.Tokens!;
        Assert.Equal(0, oauth.RejectedRefreshes - rejected);
        Assert.Equal(requests + 1, oauth.RefreshRequests);
        Assert.NotEqual(selfRefreshed.RefreshToken, refreshed.RefreshToken);
        Assert.True((await AuthHealthAsync(accounts)).Accounts.Single(health => health.Name == "holder").IsAuthenticated);
        await WaitUntilAsync(() => HolderServices.ReadCredentials(holder).RefreshToken == refreshed.RefreshToken
            && HolderServices.ReadCredentials(sibling).RefreshToken == refreshed.RefreshToken);

        foreach (var secret in new[] { issued.Tokens.RefreshToken, selfRefreshed.AccessToken, selfRefreshed.RefreshToken, refreshed.AccessToken, refreshed.RefreshToken })
        {
            Assert.DoesNotContain(secret, accounts.Logs.All, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, services.ContainerAuth.Logs.All, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task With_the_holders_unreachable_the_refresh_is_deferred_and_a_never_exported_account_asks_nobody()
    {
        using var containerAuth = new CountingListener();
        await using var accounts = new AccountsApiFactory(oauth);
        accounts.Settings["services:container-auth:http:0"] = $"http://127.0.0.1:{containerAuth.Port}";
        var manager = accounts.Services.GetRequiredService<TokenManager>();
        var kept = await accounts.SignInAsync("kept", autoRefresh: false);
        var given = await accounts.SignInAsync("given", autoRefresh: false);
        using var client = accounts.CreateAdminClient();
        await client.GetFromJsonAsync<CredentialsExport>("/api/accounts/kept/credentials");
        var export = (await client.GetFromJsonAsync<CredentialsExport>("/api/accounts/given/credentials?includeRefreshToken=true"))!;
        Assert.NotEqual("", export.Credentials.ClaudeAiOauth.RefreshToken);
        var (rejected, requests) = (oauth.RejectedRefreshes, oauth.RefreshRequests);
        accounts.Time.Advance(BeforeTheWindow + IntoTheWindow);

        // Never handed out: refreshed as before, nobody asked.
        var keptOutcome = await manager.RefreshAsync("kept", RefreshTrigger.Manual, CancellationToken.None);
        Assert.True(keptOutcome.Succeeded, keptOutcome.Message);
        Assert.Equal(0, containerAuth.Connections);
        Assert.Equal(requests + 1, oauth.RefreshRequests);

        // Handed out, holders unreachable: the refresh token is not presented; the stored token still serves.
        var givenOutcome = await manager.RefreshAsync("given", RefreshTrigger.Manual, CancellationToken.None);
        var onDemand = await manager.GetValidAccessTokenAsync("given", CancellationToken.None);
        output.WriteLine(givenOutcome.Message);

        Assert.False(givenOutcome.Succeeded);
        Assert.Contains("deferred", givenOutcome.Message, StringComparison.Ordinal);
        Assert.True(containerAuth.Connections >= 2);
        Assert.Equal(requests + 1, oauth.RefreshRequests);
        Assert.Equal(rejected, oauth.RejectedRefreshes);
        Assert.Equal(accounts.Store.Find(given.Id)!.Tokens!.AccessToken, onDemand.AccessToken);
        var line = (await AuthHealthAsync(accounts)).Accounts.Single(health => health.Name == "given");
        Assert.Equal((true, 0L, 0), (line.IsAuthenticated, line.RefreshCount, line.ConsecutiveFailures));
        Assert.Contains("deferred", line.LastError, StringComparison.Ordinal);
        Assert.Contains("para accounts reauth given", line.LastError, StringComparison.Ordinal);

        // A new sign-in is a new grant nobody else holds: no more asking.
        using var begun = await client.PostAsync(new Uri("/api/accounts/given/reauth", UriKind.Relative), null);
        var begin = (await begun.Content.ReadFromJsonAsync<Para.Contracts.Accounts.OAuthBeginResponse>())!;
        using var completed = await client.PostAsJsonAsync("/api/oauth/complete", new Para.Contracts.Accounts.CompleteOAuthRequest(begin.State, await oauth.SignInAsync(begin.AuthorizeUrl)));
        completed.EnsureSuccessStatusCode();
        Assert.Null(accounts.Store.Find(given.Id)!.RefreshTokenHandedOutAtMs);
    }

    [Fact]
    public async Task Container_auth_not_configured_defers_a_handed_out_account_and_says_so()
    {
        await using var accounts = new AccountsApiFactory(oauth);
        var manager = accounts.Services.GetRequiredService<TokenManager>();
        await accounts.SignInAsync("alone", autoRefresh: false);
        using var client = accounts.CreateAdminClient();
        await client.GetFromJsonAsync<CredentialsExport>("/api/accounts/alone/credentials?includeRefreshToken=true");
        var requests = oauth.RefreshRequests;
        accounts.Time.Advance(BeforeTheWindow + IntoTheWindow);

        var outcome = await manager.RefreshAsync("alone", RefreshTrigger.Manual, CancellationToken.None);

        Assert.False(outcome.Succeeded);
        Assert.Contains("services__container-auth__http__0", outcome.Message, StringComparison.Ordinal);
        Assert.Equal(requests, oauth.RefreshRequests);
    }

    /// <summary>What Claude Code does when its token runs out: a real refresh at the provider, written as it writes it.</summary>
    private async Task<ClaudeAiOauth> RefreshAtTheProviderAsync(ClaudeAiOauth held, DateTimeOffset now)
    {
        var (status, body) = await oauth.RedeemRefreshTokenAsync(held.RefreshToken);
        Assert.Equal(HttpStatusCode.OK, status);
        var answer = JsonDocument.Parse(body).RootElement;
        return held with
        {
            AccessToken = answer.GetProperty("access_token").GetString()!,
            RefreshToken = answer.GetProperty("refresh_token").GetString()!,
            ExpiresAt = now.AddSeconds(answer.GetProperty("expires_in").GetInt32()).ToUnixTimeMilliseconds(),
        };
    }

    private static async Task<AuthHealthDocument> AuthHealthAsync(AccountsApiFactory accounts)
    {
        using var client = accounts.CreateAdminClient();
        return (await client.GetFromJsonAsync<AuthHealthDocument>("/health/auth", JsonSerializerOptions.Web))!;
    }

    private static async Task<T> PostAsync<T>(HttpClient client, string path)
    {
        using var response = await client.PostAsync(new Uri(path, UriKind.Relative), null);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        return JsonSerializer.Deserialize<T>(text, JsonSerializerOptions.Web)!;
    }

    /// <summary>Waits for work on other threads and in the other service; the fake clock never moves here.</summary>
    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!condition())
        {
            await Task.Delay(50, deadline.Token);
        }
    }

    /// <summary>A port where something accepts connections and closes them at once: container-auth away, every attempt counted.</summary>
    private sealed class CountingListener : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private int _connections;

        public CountingListener()
        {
            _listener.Start();
            _ = AcceptAsync();
        }

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        public int Connections => Volatile.Read(ref _connections);

        public void Dispose() => _listener.Stop();

        private async Task AcceptAsync()
        {
            try
            {
                while (true)
                {
                    using var socket = await _listener.AcceptSocketAsync();
                    Interlocked.Increment(ref _connections);
                }
            }
            catch (Exception exception) when (exception is SocketException or ObjectDisposedException)
            {
                // Stopped.
            }
        }
    }
}
