using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;
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

        api.MapGet("", GetAuthHealth)
            .Produces<AuthHealthDocument>()
            .WithName("GetAuthHealth")
            .WithSummary("Authentication status over all accounts, and each account's refresh state");

        api.MapPost("/refresh", RefreshAsync)
            .WithName("RefreshAuthentication")
            .WithSummary("Refresh one account (?account=) or all now; 429 while that account's cooldown runs");

        return app;
    }

    internal static IResult GetAuthHealth(AuthHealthCache documents, HttpContext context) => documents.Current().ToResult(context);

    internal static async Task<Results<Ok<AuthRefreshDocument>, ProblemHttpResult>> RefreshAsync(
        [FromQuery] string? account,
        HttpResponse response,
        [AsParameters] AuthRefreshServices services,
        CancellationToken cancellationToken)
    {
        AuthRefreshLog.ManualRefreshRequested(services.Logger, account ?? "all");
        TokenOperationResult result;
        DateTimeOffset? retryAt;
        if (account is null)
        {
            var all = await services.Tokens.RefreshAllAsync(RefreshTrigger.Manual, cancellationToken);
            (result, retryAt) = (all.Result, all.RetryAt);
        }
        else
        {
            if (!services.Tokens.Exists(account))
            {
                return TypedResults.Problem(
                    title: "Unknown account",
                    detail: $"There is no account '{account}'.",
                    statusCode: StatusCodes.Status404NotFound);
            }

            var outcome = await services.Tokens.RefreshAsync(account, RefreshTrigger.Manual, cancellationToken);
            result = outcome.Result ?? TokenOperationResult.Failed(outcome.Message, shouldRetry: true);
            retryAt = outcome.Result is null ? outcome.RetryAt : null;
        }

        var now = services.TimeProvider.GetUtcNow();
        if (retryAt is { } at)
        {
            var seconds = (long)Math.Ceiling(Math.Max(1, (at - now).TotalSeconds));
            response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            return TypedResults.Problem(
                title: "Refresh cooling down",
                detail: $"{(account is null ? "Every account was" : $"The account '{account}' was")} refreshed moments ago; try again in {seconds} s (after {at:O}).",
                statusCode: StatusCodes.Status429TooManyRequests);
        }

        return TypedResults.Ok(new AuthRefreshDocument(
            result.Success ? "refreshed" : "failed",
            now,
            new AuthRefreshResult(result.Success, result.Message, result.ShouldRetry),
            AuthHealthDocuments.Aggregate(services.Tokens.GetStatuses())));
    }
}

/// <summary>What the <c>/health/auth</c> handlers need, as one parameter object.</summary>
internal sealed record AuthRefreshServices(TokenManager Tokens, TimeProvider TimeProvider, ILogger<AuthRefresher> Logger);
