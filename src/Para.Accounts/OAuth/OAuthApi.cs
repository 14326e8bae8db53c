using Microsoft.AspNetCore.Http.HttpResults;
using Para.Accounts.Accounts;
using Para.Accounts.Tokens;
using Para.Contracts.Accounts;
using Para.ServiceDefaults.Security;

namespace Para.Accounts.OAuth;

public static class OAuthApi
{
    public static IEndpointRouteBuilder MapOAuthApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/oauth").RequireAuthorization(AdminKeyAuthentication.PolicyName).WithTags("OAuth");
        api.MapPost("/complete", CompleteOAuth)
            .WithName("CompleteOAuth")
            .WithSummary("Exchanges the pasted code for tokens and creates or re-authenticates the account; with an account, a code of another account's sign-in is refused (409) and changes nothing.");
        return app;
    }

    internal static async Task<Results<Ok<AccountView>, ValidationProblem, ProblemHttpResult>> CompleteOAuth(
        CompleteOAuthRequest request, OAuthFlow flow, RefreshSchedule schedule, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.Code))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["code"] = ["Paste the code the provider's page shows (code#state or the bare code)."] });
        }

        var completion = await flow.CompleteAsync(request.State, request.Code, request.Account, cancellationToken);
        if (completion.Failure is { } failure)
        {
            return TypedResults.Problem(
                title: failure.Title,
                detail: failure.Detail,
                statusCode: failure.StatusCode,
                extensions: failure.ProviderError is null ? null : new Dictionary<string, object?> { ["providerError"] = failure.ProviderError });
        }

        return TypedResults.Ok(AccountViews.ToView(completion.Account!, schedule));
    }
}
