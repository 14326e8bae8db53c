using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Para.ServiceDefaults.Security;

/// <summary>Bearer authentication against the admin key; problem details on refusal.</summary>
public static class AdminKeyAuthentication
{
    public const string SchemeName = "ParaAdminKey";
    public const string PolicyName = "ParaAdmin";
    public const string AdminKeyConfigurationKey = "Para:AdminKey";

    /// <summary>
    /// Requires the admin key on every endpoint that does not opt out; <c>/alive</c> opts out.
    /// The key comes from <c>Para:AdminKey</c> when set (tests), else from the data folder.
    /// </summary>
    public static TBuilder AddAdminKeyAuthentication<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddSingleton(services =>
        {
            var configuration = services.GetRequiredService<IConfiguration>();
            var configured = configuration[AdminKeyConfigurationKey];
            return new AdminKeyHolder(string.IsNullOrWhiteSpace(configured)
                ? AdminKey.LoadOrCreate(ParaDataDirectory.Resolve(configuration))
                : configured.Trim());
        });
        builder.Services.AddAuthentication(SchemeName)
            .AddScheme<AuthenticationSchemeOptions, AdminKeyHandler>(SchemeName, _ => { });
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(PolicyName, policy => policy.AddAuthenticationSchemes(SchemeName).RequireAuthenticatedUser())
            .SetFallbackPolicy(null);
        return builder;
    }

    public sealed record AdminKeyHolder(string Value);

    private sealed class AdminKeyHandler(
        IOptionsMonitor<AuthenticationSchemeOptions> options,
        ILoggerFactory logger,
        UrlEncoder encoder,
        AdminKeyHolder adminKey) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        private static readonly AuthenticationTicket Ticket = new(
            new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "para-admin")], SchemeName)),
            SchemeName);

        protected override Task<AuthenticateResult> HandleAuthenticateAsync()
        {
            string? header = Request.Headers.Authorization;
            if (string.IsNullOrEmpty(header) || !header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            {
                return Task.FromResult(AuthenticateResult.NoResult());
            }

            var presented = Encoding.UTF8.GetBytes(header["Bearer ".Length..].Trim());
            var expected = Encoding.UTF8.GetBytes(adminKey.Value);
            return Task.FromResult(CryptographicOperations.FixedTimeEquals(presented, expected)
                ? AuthenticateResult.Success(Ticket)
                : AuthenticateResult.Fail("The admin key does not match."));
        }

        protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
        {
            Response.StatusCode = StatusCodes.Status401Unauthorized;
            Response.Headers.WWWAuthenticate = "Bearer";
            await Results.Problem(
                title: "Admin key required",
                detail: $"Send the key from '{AdminKey.FileName}' in the data folder as 'Authorization: Bearer <key>'.",
                statusCode: StatusCodes.Status401Unauthorized).ExecuteAsync(Context);
        }
    }
}
