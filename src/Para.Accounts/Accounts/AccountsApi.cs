using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Para.Accounts.Events;
using Para.Accounts.OAuth;
using Para.Accounts.Storage;
using Para.Accounts.Tokens;
using Para.Contracts.Accounts;
using Para.Contracts.Credentials;
using Para.Contracts.Events;
using Para.ServiceDefaults.Security;

namespace Para.Accounts.Accounts;

public static partial class AccountsApi
{
    public static IEndpointRouteBuilder MapAccountsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/accounts").RequireAuthorization(AdminKeyAuthentication.PolicyName).WithTags("Accounts");

        api.MapGet("/", ListAccounts).Produces<AccountView[]>().ProducesValidationProblem().WithName("ListAccounts").Produces<AccountView[]>()
            .WithSummary("Every account, by priority; expiry and fingerprint, never a token. ?offset=&limit= pages; X-Total-Count has the total.");
        api.MapGet("/{idOrName}", GetAccount).WithName("GetAccount").WithSummary("One account by id or name.");
        api.MapPost("/", AddAccount).WithName("AddAccount").WithSummary("Begins OAuth for a new account; returns the URL to open.");
        api.MapPost("/{idOrName}/reauth", BeginReauthentication).WithName("BeginReauthentication").WithSummary("Begins OAuth for an existing account; only its tokens will change.");
        api.MapPatch("/{idOrName}", UpdateAccount).WithName("UpdateAccount").WithSummary("Changes priority, paused, custom endpoint, auto refresh or name.");
        api.MapDelete("/{idOrName}", RemoveAccount).WithName("RemoveAccount").WithSummary("Removes an account and its tokens.");
        api.MapPost("/{idOrName}/reload", ReloadAccount).WithName("ReloadAccount").WithSummary("Drops every cached copy of the account's tokens, here and in every subscriber.");
        api.MapGet("/{idOrName}/credentials", ExportCredentials).WithName("ExportCredentials").WithSummary("The account's credentials in Claude Code's file format (container-auth only).");
        return app;
    }

    public const int MaxPageSize = 1000;

    internal static IResult ListAccounts(
        AccountListCache lists, HttpContext context, [FromQuery] int? offset = null, [FromQuery] int? limit = null)
    {
        var errors = new Dictionary<string, string[]>();
        if (offset is < 0)
        {
            errors["offset"] = ["The offset is 0 or more."];
        }

        if (limit is < 1 or > MaxPageSize)
        {
            errors["limit"] = [$"The limit is 1 to {MaxPageSize}."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var list = lists.Current();
        var response = context.Response;
        response.Headers["X-Total-Count"] = list.Views.Length.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (offset is null && limit is null)
        {
            return list.Body.ToResult(context);
        }

        var start = Math.Min(offset ?? 0, list.Views.Length);
        return TypedResults.Ok(list.Views.AsSpan(start, Math.Min(limit ?? MaxPageSize, list.Views.Length - start)).ToArray());
    }

    internal static Results<Ok<AccountView>, ProblemHttpResult> GetAccount(string idOrName, AccountStore store, RefreshSchedule schedule) =>
        store.Find(idOrName) is { } account ? TypedResults.Ok(AccountViews.ToView(account, schedule)) : NotFound(idOrName);

    internal static Results<Ok<OAuthBeginResponse>, ValidationProblem, ProblemHttpResult> AddAccount(AddAccountRequest request, AccountStore store, OAuthFlow flow)
    {
        var errors = new Dictionary<string, string[]>();
        var mode = string.IsNullOrWhiteSpace(request.Mode) ? AccountModes.Max : request.Mode.Trim().ToLowerInvariant();
        ValidateName(request.Name, errors);
        if (!AccountModes.IsKnown(mode))
        {
            errors["mode"] = ["Mode is 'max' (Claude subscription) or 'console' (Console organisation)."];
        }

        if (request.Priority is < 0)
        {
            errors["priority"] = ["Priority is 0 or more; lower is used first."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var name = request.Name.Trim();
        if (store.NameExists(name))
        {
            return TypedResults.Problem(
                title: "Account already exists",
                detail: $"An account named '{name}' already exists; use 'para accounts reauth {name}' to sign it in again.",
                statusCode: StatusCodes.Status409Conflict);
        }

        return TypedResults.Ok(flow.Begin(name, mode, request.Priority ?? 0, accountId: null));
    }

    internal static Results<Ok<OAuthBeginResponse>, ProblemHttpResult> BeginReauthentication(string idOrName, AccountStore store, OAuthFlow flow) =>
        store.Find(idOrName) is { } account
            ? TypedResults.Ok(flow.Begin(account.Name, account.Mode, account.Priority, account.Id))
            : NotFound(idOrName);

    internal static Results<Ok<AccountView>, ValidationProblem, ProblemHttpResult> UpdateAccount(
        string idOrName, UpdateAccountRequest request, AccountStore store, AccountEventHub events, RefreshSchedule schedule)
    {
        var errors = new Dictionary<string, string[]>();
        if (request.Name is not null)
        {
            ValidateName(request.Name, errors);
        }

        if (request.Priority is < 0)
        {
            errors["priority"] = ["Priority is 0 or more; lower is used first."];
        }

        var endpoint = request.CustomEndpoint?.Trim();
        if (!string.IsNullOrEmpty(endpoint) && (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)))
        {
            errors["customEndpoint"] = ["The custom endpoint is an absolute http(s) URL, or empty to clear it."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        if (store.Find(idOrName) is not { } existing)
        {
            return NotFound(idOrName);
        }

        AccountRecord? updated;
        try
        {
            updated = store.Update(existing.Id, account =>
            {
                account.Name = request.Name?.Trim() ?? account.Name;
                account.Priority = request.Priority ?? account.Priority;
                account.Paused = request.Paused ?? account.Paused;
                account.AutoRefresh = request.AutoRefresh ?? account.AutoRefresh;
                if (endpoint is not null)
                {
                    account.CustomEndpoint = endpoint.Length == 0 ? null : endpoint;
                }
            });
        }
        catch (DuplicateAccountNameException exception)
        {
            return TypedResults.Problem(title: "Account already exists", detail: exception.Message, statusCode: StatusCodes.Status409Conflict);
        }

        if (updated is null)
        {
            return NotFound(idOrName);
        }

        events.Publish(AccountEventTypes.Updated, updated.Id, updated.Name);
        return TypedResults.Ok(AccountViews.ToView(updated, schedule));
    }

    internal static Results<NoContent, ProblemHttpResult> RemoveAccount(string idOrName, AccountStore store, AccountEventHub events)
    {
        if (store.Find(idOrName) is not { } account || !store.Delete(account.Id))
        {
            return NotFound(idOrName);
        }

        events.Publish(AccountEventTypes.Removed, account.Id, account.Name);
        return TypedResults.NoContent();
    }

    internal static Results<Ok<ReloadResponse>, ProblemHttpResult> ReloadAccount(string idOrName, AccountStore store, AccountEventHub events)
    {
        if (store.Find(idOrName) is not { } account)
        {
            return NotFound(idOrName);
        }

        // In-process caches listen to the hub synchronously; remote ones hear it on /api/events.
        events.Publish(AccountEventTypes.Reloaded, account.Id, account.Name);
        return TypedResults.Ok(new ReloadResponse(true, $"Token reload triggered for account '{account.Name}'"));
    }

    /// <param name="includeRefreshToken">
    /// Default <c>false</c>: the file holds an empty refresh token. A holder that cannot refresh
    /// cannot race Para's refresh and present a used token (docs/decisions/0006).
    /// </param>
    internal static async Task<Results<Ok<CredentialsExport>, ProblemHttpResult>> ExportCredentials(
        string idOrName, TokenManager tokens, IOptions<OAuthOptions> options, HttpResponse response, TimeProvider timeProvider,
        CancellationToken cancellationToken, [FromQuery] bool? includeRefreshToken = null)
    {
        try
        {
            return TypedResults.Ok(await tokens.ExportAsync(idOrName, includeRefreshToken ?? false, options.Value.Scopes, cancellationToken));
        }
        catch (TokenUnavailableException exception)
        {
            return TokenProblem(exception, response, timeProvider);
        }
    }

    /// <summary>No token to hand out: 404 unknown account, 409 sign in again, 503 (with Retry-After) the provider is failing.</summary>
    internal static ProblemHttpResult TokenProblem(TokenUnavailableException exception, HttpResponse response, TimeProvider timeProvider)
    {
        switch (exception.Reason)
        {
            case TokenUnavailableReason.NotFound:
                return TypedResults.Problem(title: "Account not found", detail: exception.Message, statusCode: StatusCodes.Status404NotFound);
            case TokenUnavailableReason.RequiresReauth:
                return TypedResults.Problem(title: "Re-authentication required", detail: exception.Message, statusCode: StatusCodes.Status409Conflict);
            default:
                if (exception.RetryAt is { } retryAt)
                {
                    var seconds = (long)Math.Ceiling(Math.Max(1, (retryAt - timeProvider.GetUtcNow()).TotalSeconds));
                    response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                }

                return TypedResults.Problem(title: "No valid token", detail: exception.Message, statusCode: StatusCodes.Status503ServiceUnavailable);
        }
    }

    private static ProblemHttpResult NotFound(string idOrName) =>
        TypedResults.Problem(title: "Account not found", detail: $"No account has the id or name '{idOrName}'.", statusCode: StatusCodes.Status404NotFound);

    internal static bool IsValidName(string name) => AccountName().IsMatch(name);

    private static void ValidateName(string? name, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(name) || !AccountName().IsMatch(name.Trim()))
        {
            errors["name"] = ["A name is 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit."];
        }
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    private static partial Regex AccountName();
}
