using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Para.Contracts.Accounts;
using Para.ServiceDefaults.Security;

namespace Para.Accounts.Tokens;

public static class TokenHealthApi
{
    public static IEndpointRouteBuilder MapTokenHealthApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").RequireAuthorization(AdminKeyAuthentication.PolicyName).WithTags("Tokens");
        api.MapGet("/token-health", GetTokenHealth)
            .WithName("GetTokenHealth")
            .WithSummary("Every account's token state (ok, expiring, expired, requires-reauth) and refresh token age.");
        return app;
    }

    internal static Ok<TokenHealthReport> GetTokenHealth(TokenManager tokens, TimeProvider timeProvider, IOptions<TokenManagerOptions> options)
    {
        var now = timeProvider.GetUtcNow();
        var statuses = tokens.GetStatuses();
        return TypedResults.Ok(new TokenHealthReport(now, [.. statuses.Select(status => Describe(status, now, options.Value))]));
    }

    internal static AccountTokenHealth Describe(AccountTokenStatus status, DateTimeOffset now, TokenManagerOptions options)
    {
        var state = TokenStatuses.Classify(status.RequiresReauth, status.ExpiresAt, status.RefreshDueAt, now);
        var age = status.RefreshTokenIssuedAt is { } issued ? now - issued : (TimeSpan?)null;
        string? warning = null;
        if (age is { } refreshAge && refreshAge >= options.RefreshTokenLifetime - options.RefreshTokenWarning)
        {
            warning = string.Create(
                CultureInfo.InvariantCulture,
                $"The refresh token is {refreshAge.TotalDays:0} days old; providers end sessions after about {options.RefreshTokenLifetime.TotalDays:0} days. Re-authenticate soon: para accounts reauth {status.Name}");
        }

        return new AccountTokenHealth(
            status.AccountId,
            status.Name,
            state,
            status.ExpiresAt,
            status.RefreshDueAt,
            status.RefreshTokenIssuedAt,
            age is { } days ? Math.Round(days.TotalDays, 2) : null,
            status.LastRefresh,
            status.AutoRefresh,
            status.LastError,
            warning);
    }
}
