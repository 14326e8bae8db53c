using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;
using Para.Accounts.AuthRefresh;
using Para.Accounts.Storage;
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
            .WithSummary("Refresh one account (?account=) or all now; 429 while that account's cooldown runs. With ?refused= (the refused token's "
                + "fingerprint) or ?callStartedAt= (the gateway, after the provider refused a call): recovery, under the cooldown and the failure limit, and 'refreshed' also when the token was already replaced since.");

        return app;
    }

    internal static IResult GetAuthHealth(AuthHealthCache documents, HttpContext context) => documents.Current().ToResult(context);

    internal static async Task<Results<Ok<AuthRefreshDocument>, ProblemHttpResult>> RefreshAsync(
        [FromQuery] string? account,
        HttpResponse response,
        [AsParameters] AuthRefreshServices services,
        CancellationToken cancellationToken,
        [FromQuery] DateTimeOffset? callStartedAt = null,
        [FromQuery] string? refused = null)
    {
        if (callStartedAt is not null || refused is not null)
        {
            return await RecoverAsync(account, callStartedAt, refused, services, cancellationToken);
        }

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

    /// <summary>The gateway's question after a refused call: is there a token worth one more try?</summary>
    private static async Task<Results<Ok<AuthRefreshDocument>, ProblemHttpResult>> RecoverAsync(
        string? account, DateTimeOffset? callStartedAt, string? refused, AuthRefreshServices services, CancellationToken cancellationToken)
    {
        if (account is null || services.Store.Find(account) is not { } found)
        {
            return TypedResults.Problem(
                title: "Unknown account",
                detail: account is null ? "Recovery is for one account (?account=)." : $"There is no account '{account}'.",
                statusCode: account is null ? StatusCodes.Status400BadRequest : StatusCodes.Status404NotFound);
        }

        var recovered = await services.Refresher.TryRecoverAsync(new AuthFailure(found.Id, callStartedAt, refused), cancellationToken);
        var result = recovered
            ? TokenOperationResult.Succeeded("The account has a token newer than the refused call.")
            : TokenOperationResult.Failed("No newer token: the refresh was refused (cooldown or failure limit) or failed.", shouldRetry: false);
        return TypedResults.Ok(new AuthRefreshDocument(
            recovered ? "refreshed" : "failed",
            services.TimeProvider.GetUtcNow(),
            new AuthRefreshResult(result.Success, result.Message, result.ShouldRetry),
            AuthHealthDocuments.Aggregate(services.Tokens.GetStatuses())));
    }
}

/// <summary>What the <c>/health/auth</c> handlers need, as one parameter object.</summary>
internal sealed record AuthRefreshServices(TokenManager Tokens, AuthRefresher Refresher, AccountStore Store, TimeProvider TimeProvider, ILogger<AuthRefresher> Logger);
