using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Para.Accounts.AuthRefresh;
using Para.Accounts.Tokens;
using Para.Contracts.Health;
using Para.ServiceDefaults.Security;

// Beside AddServiceDefaults/MapDefaultEndpoints, so Program.cs needs no using for it.
namespace Microsoft.Extensions.Hosting;

/// <summary><c>/health/auth</c>: authentication status and the manual refresh, admin key only.</summary>
public static class AuthRefreshApi
{
    public static IEndpointRouteBuilder MapAuthRefreshApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/health/auth")
            .WithTags("Authentication")
            .RequireAuthorization(AdminKeyAuthentication.PolicyName);

        api.MapGet("", GetAuthHealthAsync)
            .WithName("GetAuthHealth")
            .WithSummary("Authentication status and each account's token state");

        api.MapPost("/refresh", RefreshAsync)
            .WithName("RefreshAuthentication")
            .WithSummary("Refresh one account (?account=) or all now; refused with 429 during the cooldown");

        return app;
    }

    private static async Task<Ok<AuthHealthDocument>> GetAuthHealthAsync([AsParameters] AuthRefreshServices services, CancellationToken cancellationToken)
    {
        var accounts = await services.Statuses.ReadAsync(cancellationToken);
        var authentication = services.Manager.Status;
        var status = !authentication.IsAuthenticated ? "unauthenticated"
            : accounts.Any(account => account.RequiresReauth) ? "degraded"
            : "authenticated";
        return TypedResults.Ok(new AuthHealthDocument(
            status,
            services.TimeProvider.GetUtcNow(),
            authentication,
            [.. accounts.Select(account => account.ToAuthHealth())]));
    }

    private static async Task<Results<Ok<AuthRefreshDocument>, ProblemHttpResult>> RefreshAsync(
        [FromQuery] string? account,
        HttpResponse response,
        [AsParameters] AuthRefreshServices services,
        CancellationToken cancellationToken)
    {
        if (account is not null && !(await services.Statuses.ReadAsync(cancellationToken)).Any(status => Matches(status, account)))
        {
            return TypedResults.Problem(
                title: "Unknown account",
                detail: $"There is no account '{account}'.",
                statusCode: StatusCodes.Status404NotFound);
        }

        var outcome = await services.Manager.RefreshAsync(account, cancellationToken);
        var now = services.TimeProvider.GetUtcNow();
        if (outcome.RetryAt is { } retryAt)
        {
            var seconds = (long)Math.Ceiling(Math.Max(1, (retryAt - now).TotalSeconds));
            response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            return TypedResults.Problem(
                title: "Refresh cooling down",
                detail: $"A refresh ran moments ago; try again in {seconds} s (after {retryAt:O}).",
                statusCode: StatusCodes.Status429TooManyRequests);
        }

        var result = outcome.Result!;
        return TypedResults.Ok(new AuthRefreshDocument(
            result.Success ? "refreshed" : "failed",
            now,
            new AuthRefreshResult(result.Success, result.Message, result.ShouldRetry),
            services.Manager.Status));
    }

    private static bool Matches(AccountTokenStatus status, string account) =>
        string.Equals(status.AccountId, account, StringComparison.OrdinalIgnoreCase)
        || string.Equals(status.Name, account, StringComparison.OrdinalIgnoreCase);
}
