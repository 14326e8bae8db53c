using System.Collections.Concurrent;
using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Para.Accounts.Tests.Infrastructure;

/// <summary>
/// A real OAuth 2.0 authorization server on 127.0.0.1 (OpenIddict): authorization code + PKCE +
/// rolling refresh tokens, with an EF Core SQLite token store so codes and refresh tokens are
/// single-use. Made as strict as the real provider: no reuse leeway, redemptions serialized,
/// and a reused refresh token revokes the whole chain (OpenIddict's default, kept). It also serves
/// a protected endpoint, so a test can ask whether an access token is accepted right now, and
/// revokes grants as a person would at the provider.
/// </summary>
public sealed class OAuthServerFixture : IAsyncLifetime
{
    public const string ClientId = "para-test-client";

    /// <summary>Today's provider's scopes (Para's default Para:OAuth:Scopes), so the default request is accepted.</summary>
    public static readonly string[] Scopes = ["org:create_api_key", "user:profile", "user:inference", "user:sessions:claude_code", "user:mcp_servers", "user:file_upload"];

    private readonly string _directory = Directory.CreateTempSubdirectory("para-oidc-").FullName;
    private readonly SemaphoreSlim _tokenEndpointGate = new(1, 1);
    private WebApplication? _app;
    private readonly ConcurrentQueue<DateTimeOffset> _refreshRequestTimes = new();
    private int _codeRequests;
    private int _apiKeyRequests;

    public Uri BaseAddress { get; private set; } = null!;

    public Uri AuthorizeUrl => new(BaseAddress, "/connect/authorize");

    public Uri TokenUrl => new(BaseAddress, "/connect/token");

    public Uri RedirectUri => new(BaseAddress, "/oauth/code/callback");

    public Uri ApiKeyUrl => new(BaseAddress, "/api/oauth/create_api_key");

    public int RefreshRequests => _refreshRequestTimes.Count;

    /// <summary>When each refresh request arrived, so a real-time test can say which one came late.</summary>
    public IReadOnlyCollection<DateTimeOffset> RefreshRequestTimes => _refreshRequestTimes;

    public int CodeRequests => Volatile.Read(ref _codeRequests);

    public int ApiKeyRequests => Volatile.Read(ref _apiKeyRequests);

    /// <summary>How long the access tokens this server issues live (default 8 hours, as at the provider); set before it starts.</summary>
    public TimeSpan AccessTokenLifetime { get; init; } = TimeSpan.FromHours(8);

    /// <summary>The protected endpoint: answers 200 to a Bearer access token the server accepts now (unexpired, grant not revoked), 401 otherwise.</summary>
    public Uri ProtectedUrl => new(BaseAddress, "/api/me");

    /// <summary>When set, refresh requests are counted and answered with this status (a provider outage).</summary>
    public int? FailRefreshesWith { get; set; }

    /// <summary>When set, token requests are counted, then held until it completes: lets a test line up racers.</summary>
    public TaskCompletionSource? HoldTokenRequests { get; set; }

    /// <summary>Every API key this server issued, so tests can look for them where they must not be.</summary>
    public List<string> IssuedApiKeys { get; } = [];

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Development" });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddDbContext<OidcDbContext>(options =>
        {
            options.UseSqlite($"Data Source={Path.Combine(_directory, "oidc.db")}");
            options.UseOpenIddict();
        });
        builder.Services.AddOpenIddict()
            .AddCore(core => core.UseEntityFrameworkCore().UseDbContext<OidcDbContext>())
            .AddServer(server =>
            {
                server.SetAuthorizationEndpointUris("connect/authorize").SetTokenEndpointUris("connect/token");
                server.AllowAuthorizationCodeFlow().AllowRefreshTokenFlow().RequireProofKeyForCodeExchange();
                server.RegisterScopes([.. Scopes, OpenIddictConstants.Scopes.OfflineAccess]);
                server.SetAccessTokenLifetime(AccessTokenLifetime);
                // A used refresh token is dead at once, as at the real provider (OpenIddict allows 30 s).
                server.SetRefreshTokenReuseLeeway(TimeSpan.Zero);
                server.AddEphemeralEncryptionKey().AddEphemeralSigningKey().DisableAccessTokenEncryption();
                server.UseAspNetCore()
                    .EnableAuthorizationEndpointPassthrough()
                    .EnableTokenEndpointPassthrough()
                    .DisableTransportSecurityRequirement();
            })
            .AddValidation(validation =>
            {
                // As a resource server of the provider would: expiry, and the token's and grant's entries (revocation).
                validation.UseLocalServer();
                validation.EnableTokenEntryValidation();
                validation.EnableAuthorizationEntryValidation();
                validation.UseAspNetCore();
            });

        _app = builder.Build();
        _app.Use(SerializeTokenRequestsAsync);
        _app.Use(CountRejectedRefreshesAsync);
        _app.UseAuthentication();
        _app.MapGet("/connect/authorize", Authorize);
        _app.MapPost("/connect/token", (Func<HttpContext, Task<IResult>>)IssueTokensAsync);
        _app.MapPost("/api/oauth/create_api_key", CreateApiKey);
        _app.MapGet("/api/me", (Func<HttpContext, Task<IResult>>)AcceptAsync);
        await _app.StartAsync();
        BaseAddress = new Uri(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

        await using var scope = _app.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<OidcDbContext>().Database.EnsureCreatedAsync();
        var applications = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = ClientId,
            ClientType = ClientTypes.Public,
            RedirectUris = { RedirectUri },
            Permissions =
            {
                Permissions.Endpoints.Authorization,
                Permissions.Endpoints.Token,
                Permissions.GrantTypes.AuthorizationCode,
                Permissions.GrantTypes.RefreshToken,
                Permissions.ResponseTypes.Code,
            },
            Requirements = { Requirements.Features.ProofKeyForCodeExchange },
        };
        foreach (var scopeName in Scopes)
        {
            descriptor.Permissions.Add(Permissions.Prefixes.Scope + scopeName);
        }

        await applications.CreateAsync(descriptor);
    }

    /// <summary>
    /// Refresh requests the server refused with <c>invalid_grant</c>: a used, revoked or unknown
    /// refresh token was presented. With this server's settings one such request also revokes the
    /// whole chain, so a test that expects no holder to present a spent token expects 0 here.
    /// </summary>
    public int RejectedRefreshes => Volatile.Read(ref _rejectedRefreshes);

    private int _rejectedRefreshes;

    /// <summary>Reads each refresh answer as it leaves the server (inside the serializing gate) and counts the <c>invalid_grant</c> ones.</summary>
    private async Task CountRejectedRefreshesAsync(HttpContext context, RequestDelegate next)
    {
        if (!context.Request.Path.StartsWithSegments("/connect/token") || !context.Request.HasFormContentType
            || (await context.Request.ReadFormAsync(context.RequestAborted))["grant_type"] != GrantTypes.RefreshToken)
        {
            await next(context);
            return;
        }

        var original = context.Response.Body;
        using var buffer = new MemoryStream();
        context.Response.Body = buffer;
        try
        {
            await next(context);
        }
        finally
        {
            context.Response.Body = original;
        }

        if (context.Response.StatusCode == StatusCodes.Status400BadRequest && buffer.Length > 0)
        {
            using var answer = System.Text.Json.JsonDocument.Parse(buffer.ToArray());
            if (answer.RootElement.TryGetProperty("error", out var error) && error.GetString() == Errors.InvalidGrant)
            {
                Interlocked.Increment(ref _rejectedRefreshes);
            }
        }

        buffer.Position = 0;
        await buffer.CopyToAsync(original, context.RequestAborted);
    }

    /// <summary>Plays the user: follows the authorize URL and returns what the provider's page would show, <c>code#state</c>.</summary>
    public async Task<string> SignInAsync(Uri authorizeUrl)
    {
        using var handler = new HttpClientHandler { AllowAutoRedirect = false };
        using var client = new HttpClient(handler);
        using var response = await client.GetAsync(authorizeUrl);
        if (response.StatusCode != HttpStatusCode.Redirect && response.StatusCode != HttpStatusCode.Found)
        {
            throw new InvalidOperationException($"authorize answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }

        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(response.Headers.Location!.Query);
        if (query.TryGetValue("error", out var error))
        {
            throw new InvalidOperationException($"authorize refused: {error} {query["error_description"]}");
        }

        return $"{query["code"]}#{query["state"]}";
    }

    /// <summary>Whether the server accepts <paramref name="accessToken"/> at this moment (its protected endpoint answers 200).</summary>
    public async Task<bool> AcceptsAccessTokenAsync(string accessToken)
    {
        using var client = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, ProtectedUrl);
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", accessToken);
        using var response = await client.SendAsync(request);
        return response.StatusCode == HttpStatusCode.OK;
    }

    /// <summary>
    /// Revokes the grant <paramref name="accessToken"/> belongs to, as a person would at the provider:
    /// the authorization and every token issued under it (access and refresh). From then on its
    /// refresh tokens are refused with <c>invalid_grant</c> and its access tokens with 401.
    /// </summary>
    /// <returns>How many tokens were revoked.</returns>
    public async Task<long> RevokeGrantAsync(string accessToken)
    {
        await _tokenEndpointGate.WaitAsync();
        try
        {
            await using var scope = _app!.Services.CreateAsyncScope();
            var authorizations = scope.ServiceProvider.GetRequiredService<IOpenIddictAuthorizationManager>();
            var tokens = scope.ServiceProvider.GetRequiredService<IOpenIddictTokenManager>();
            var authorizationId = AuthorizationIdOf(accessToken);
            var authorization = await authorizations.FindByIdAsync(authorizationId)
                ?? throw new InvalidOperationException("The token's authorization is not known to this server.");
            if (!await authorizations.TryRevokeAsync(authorization))
            {
                throw new InvalidOperationException("The authorization could not be revoked.");
            }

            return await tokens.RevokeByAuthorizationIdAsync(authorizationId);
        }
        finally
        {
            _tokenEndpointGate.Release();
        }
    }

    /// <summary>The authorization (grant) an access token of this server belongs to: its <c>oi_au_id</c> claim (access tokens are signed JWTs, not encrypted).</summary>
    private static string AuthorizationIdOf(string accessToken)
    {
        var parts = accessToken.Split('.');
        if (parts.Length != 3)
        {
            throw new ArgumentException("Not an access token of this server.", nameof(accessToken));
        }

        var payload = parts[1].Replace('-', '+').Replace('_', '/');
        payload = payload.PadRight(payload.Length + ((4 - (payload.Length % 4)) % 4), '=');
        using var claims = System.Text.Json.JsonDocument.Parse(Convert.FromBase64String(payload));
        return claims.RootElement.TryGetProperty(Claims.Private.AuthorizationId, out var id) && id.GetString() is { Length: > 0 } value
            ? value
            : throw new ArgumentException("The access token names no authorization.", nameof(accessToken));
    }

    private static async Task<IResult> AcceptAsync(HttpContext context)
    {
        var result = await context.AuthenticateAsync(OpenIddict.Validation.AspNetCore.OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme);
        return result.Succeeded ? Results.Ok(new Dictionary<string, string?> { ["sub"] = result.Principal.GetClaim(Claims.Subject) }) : Results.Unauthorized();
    }

    /// <summary>Presents a refresh token directly, as any other client could.</summary>
    public async Task<(HttpStatusCode Status, string Body)> RedeemRefreshTokenAsync(string refreshToken)
    {
        using var client = new HttpClient();
        using var response = await client.PostAsync(TokenUrl, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token",
            ["refresh_token"] = refreshToken,
            ["client_id"] = ClientId,
        }));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _tokenEndpointGate.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a temp folder left behind harms nothing.
        }
    }

    /// <summary>
    /// One token request at a time: otherwise two concurrent redemptions of one refresh token both
    /// pass validation before either marks it redeemed, which the real provider never allows.
    /// </summary>
    private async Task SerializeTokenRequestsAsync(HttpContext context, RequestDelegate next)
    {
        if (!context.Request.Path.StartsWithSegments("/connect/token"))
        {
            await next(context);
            return;
        }

        await _tokenEndpointGate.WaitAsync(context.RequestAborted);
        try
        {
            if (context.Request.HasFormContentType)
            {
                var form = await context.Request.ReadFormAsync(context.RequestAborted);
                if (form["grant_type"] == GrantTypes.RefreshToken)
                {
                    _refreshRequestTimes.Enqueue(DateTimeOffset.UtcNow);
                    if (FailRefreshesWith is { } status)
                    {
                        context.Response.StatusCode = status;
                        await context.Response.WriteAsJsonAsync(new Dictionary<string, string> { ["error"] = "temporarily_unavailable" });
                        return;
                    }
                }
                else if (form["grant_type"] == GrantTypes.AuthorizationCode)
                {
                    Interlocked.Increment(ref _codeRequests);
                }
            }

            if (HoldTokenRequests is { } hold)
            {
                await hold.Task.WaitAsync(context.RequestAborted);
            }

            await next(context);
        }
        finally
        {
            _tokenEndpointGate.Release();
        }
    }

    /// <summary>The user agrees at once; offline_access is granted so refresh tokens are issued.</summary>
    private static IResult Authorize(HttpContext context)
    {
        var request = context.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("Not an OpenIddict request.");
        var identity = new ClaimsIdentity("para-test", Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, "para-test-user").SetClaim(Claims.Name, "Para Test");
        identity.SetScopes(request.GetScopes().Add(OpenIddictConstants.Scopes.OfflineAccess));
        identity.SetDestinations(static _ => [Destinations.AccessToken]);
        return Results.SignIn(new ClaimsPrincipal(identity), properties: null, OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    private static async Task<IResult> IssueTokensAsync(HttpContext context)
    {
        var result = await context.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        if (result.Principal is null)
        {
            return Results.Forbid(authenticationSchemes: [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
        }

        var identity = new ClaimsIdentity(result.Principal.Claims, "para-test", Claims.Name, Claims.Role);
        identity.SetDestinations(static _ => [Destinations.AccessToken]);
        return Results.SignIn(new ClaimsPrincipal(identity), properties: null, OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    private IResult CreateApiKey(HttpContext context)
    {
        string? authorization = context.Request.Headers.Authorization;
        if (authorization is null || !authorization.StartsWith("Bearer ", StringComparison.Ordinal))
        {
            return Results.Unauthorized();
        }

        Interlocked.Increment(ref _apiKeyRequests);
        var key = "sk-ant-test-" + Guid.NewGuid().ToString("N");
        lock (IssuedApiKeys)
        {
            IssuedApiKeys.Add(key);
        }

        return Results.Json(new Dictionary<string, string> { ["raw_key"] = key });
    }
}

public sealed class OidcDbContext(DbContextOptions<OidcDbContext> options) : DbContext(options);
