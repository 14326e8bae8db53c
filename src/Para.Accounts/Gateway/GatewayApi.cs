using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Para.Accounts.Accounts;
using Para.Accounts.Events;
using Para.Accounts.Storage;
using Para.Accounts.Tokens;
using Para.Contracts.Accounts;
using Para.Contracts.Credentials;
using Para.Contracts.Events;
using Para.Contracts.Gateway;
using Para.ServiceDefaults.Security;

namespace Para.Accounts.Gateway;

/// <summary>
/// What the gateway needs from the account API: its client keys (stored hashed), each account's
/// upstream credential, and a place for the requests it forwarded. Admin key only: the gateway
/// holds the admin key, its clients hold gateway keys.
/// </summary>
public static class GatewayApi
{
    /// <summary>Every gateway key starts with this, so a leaked one is recognisable.</summary>
    public const string KeyPrefix = "para-gw-";

    public const int MaxBatch = 1000;

    /// <summary>A full batch with every field at the length kept (about 600 bytes a record as JSON), with room to spare.</summary>
    public const long MaxBatchBodyBytes = 1024 * 1024;

    public static IEndpointRouteBuilder MapGatewayApi(this IEndpointRouteBuilder app)
    {
        var keys = app.MapGroup("/api/gateway-keys").RequireAuthorization(AdminKeyAuthentication.PolicyName).WithTags("Gateway");
        keys.MapPost("/", AddKey).WithName("AddGatewayKey").WithSummary("A new gateway key for a client; the key is in this answer only.");
        keys.MapGet("/", ListKeys).WithName("ListGatewayKeys").WithSummary("Every gateway key: name, creation time and fingerprint, never the key.");
        keys.MapDelete("/{idOrName}", RevokeKey).WithName("RevokeGatewayKey").WithSummary("Revokes a gateway key; every gateway hears it on /api/events.");
        keys.MapPost("/validate", ValidateKey).WithName("ValidateGatewayKey").WithSummary("Whose a presented gateway key is; 404 when it is not a live key.");

        var accounts = app.MapGroup("/api/accounts").RequireAuthorization(AdminKeyAuthentication.PolicyName).WithTags("Gateway");
        accounts.MapGet("/{idOrName}/upstream-credential", GetUpstreamCredentialAsync).WithName("GetUpstreamCredential")
            .WithSummary("The access token (max) or API key (console) the gateway sends upstream for this account.");
        accounts.MapPost("/{idOrName}/provider-verdict", RecordProviderVerdict).WithName("RecordProviderVerdict")
            .WithSummary("Whether the provider accepted one of the account's tokens; /health/auth reports it while that token is current.");
        accounts.MapGet("/{idOrName}/requests", GetRequests).WithName("GetAccountRequests")
            .WithSummary("The account's bounded request history, newest first: no bodies, no tokens.");

        app.MapPost("/api/gateway/requests", RecordRequests).RequireAuthorization(AdminKeyAuthentication.PolicyName).WithTags("Gateway")
            .WithName("RecordGatewayRequests").WithSummary("The gateway's batch of forwarded requests, into each account's statistics and history.")
            .WithMetadata(new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(MaxBatchBodyBytes));
        return app;
    }

    public static string HashKey(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key.Trim())));

    internal static Results<Ok<GatewayKeyCreated>, ValidationProblem, ProblemHttpResult> AddKey(
        AddGatewayKeyRequest request, AccountStore store, TimeProvider timeProvider)
    {
        if (string.IsNullOrWhiteSpace(request.Name) || !AccountsApi.IsValidName(request.Name.Trim()))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["name"] = ["A name is 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit."],
            });
        }

        var key = KeyPrefix + Base64Url(RandomNumberGenerator.GetBytes(32));
        var record = new GatewayKeyRecord
        {
            Id = Guid.NewGuid().ToString("N"),
            Name = request.Name.Trim(),
            Hash = HashKey(key),
            Fingerprint = TokenFingerprint.Of(key),
            CreatedAtMs = timeProvider.GetUtcNow().ToUnixTimeMilliseconds(),
        };
        try
        {
            store.AddGatewayKey(record);
        }
        catch (DuplicateAccountNameException)
        {
            return TypedResults.Problem(
                title: "Gateway key already exists",
                detail: $"A gateway key named '{record.Name}' already exists; revoke it first or choose another name.",
                statusCode: StatusCodes.Status409Conflict);
        }

        store.MakeDurable();
        return TypedResults.Ok(new GatewayKeyCreated(record.Id, record.Name, DateTimeOffset.FromUnixTimeMilliseconds(record.CreatedAtMs), record.Fingerprint, key));
    }

    internal static Ok<GatewayKeyView[]> ListKeys(AccountStore store) =>
        TypedResults.Ok(store.ListGatewayKeys().Select(ToView).ToArray());

    internal static Results<NoContent, ProblemHttpResult> RevokeKey(string idOrName, AccountStore store, AccountEventHub events)
    {
        if (store.DeleteGatewayKey(idOrName) is not { } removed)
        {
            return TypedResults.Problem(title: "Gateway key not found", detail: $"No gateway key has the id or name '{idOrName}'.", statusCode: StatusCodes.Status404NotFound);
        }

        store.MakeDurable();
        // Gateways cache valid keys for a few seconds; this tells them at once.
        events.Publish(AccountEventTypes.GatewayKeyRevoked, removed.Id, removed.Name);
        return TypedResults.NoContent();
    }

    internal static Results<Ok<GatewayKeyIdentity>, ProblemHttpResult> ValidateKey(ValidateGatewayKeyRequest request, AccountStore store) =>
        !string.IsNullOrWhiteSpace(request.Key) && store.FindGatewayKeyByHash(HashKey(request.Key)) is { } key
            ? TypedResults.Ok(new GatewayKeyIdentity(key.Id, key.Name))
            : TypedResults.Problem(title: "Unknown gateway key", detail: "The key is not a live gateway key.", statusCode: StatusCodes.Status404NotFound);

    internal static async Task<Results<Ok<UpstreamCredential>, ProblemHttpResult>> GetUpstreamCredentialAsync(
        string idOrName, TokenManager tokens, AccountStore store, HttpResponse response, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        if (store.Find(idOrName) is not { } account)
        {
            return TypedResults.Problem(title: "Account not found", detail: $"No account has the id or name '{idOrName}'.", statusCode: StatusCodes.Status404NotFound);
        }

        if (account.Mode == AccountModes.Console)
        {
            return account.ApiKey is { Length: > 0 } apiKey
                ? TypedResults.Ok(new UpstreamCredential(account.Id, account.Name, account.Mode, null, apiKey, null, TokenFingerprint.Of(apiKey)))
                : TypedResults.Problem(title: "Re-authentication required", detail: $"The console account '{account.Name}' has no API key; sign it in again.", statusCode: StatusCodes.Status409Conflict);
        }

        try
        {
            var valid = await tokens.GetValidAccessTokenAsync(account.Id, cancellationToken);
            return TypedResults.Ok(new UpstreamCredential(valid.AccountId, valid.AccountName, account.Mode, valid.AccessToken, null, valid.ExpiresAt, TokenFingerprint.Of(valid.AccessToken)));
        }
        catch (TokenUnavailableException exception)
        {
            return AccountsApi.TokenProblem(exception, response, timeProvider);
        }
    }

    internal static Results<Ok<ProviderVerdictAnswer>, ValidationProblem, ProblemHttpResult> RecordProviderVerdict(
        string idOrName, ProviderVerdictReport report, AccountStore store, ProviderVerdicts verdicts)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(report.Fingerprint) || report.Fingerprint.Length > 64)
        {
            errors["fingerprint"] = ["The fingerprint of the token the verdict is about (sha256:...), at most 64 characters."];
        }

        if (report.Accepted is null)
        {
            errors["accepted"] = ["true when the provider accepted the token, false when it refused it."];
        }

        if (report.At is null)
        {
            errors["at"] = ["When the provider answered."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        if (store.Find(idOrName) is not { } account)
        {
            return TypedResults.Problem(title: "Account not found", detail: $"No account has the id or name '{idOrName}'.", statusCode: StatusCodes.Status404NotFound);
        }

        // Not a reason to refresh: the gateway's recovery and the schedule already do, on the account's single flight.
        var current = verdicts.Record(account, new ProviderVerdict(report.Fingerprint, report.Accepted!.Value, report.At!.Value));
        return TypedResults.Ok(new ProviderVerdictAnswer(current));
    }

    internal static Results<Ok<RequestHistoryEntry[]>, ProblemHttpResult> GetRequests(string idOrName, AccountStore store, [FromQuery] int? limit = null)
    {
        if (store.Find(idOrName) is not { } account)
        {
            return TypedResults.Problem(title: "Account not found", detail: $"No account has the id or name '{idOrName}'.", statusCode: StatusCodes.Status404NotFound);
        }

        var history = account.RequestHistory;
        var take = Math.Clamp(limit ?? AccountStore.RequestHistoryLimit, 0, AccountStore.RequestHistoryLimit);
        return TypedResults.Ok(history.AsEnumerable().Reverse().Take(take).Select(record => new RequestHistoryEntry(
            DateTimeOffset.FromUnixTimeMilliseconds(record.TimestampMs), record.Method, record.Path, record.StatusCode, record.LatencyMs,
            record.Model, record.InputTokens, record.OutputTokens, record.Retried, record.ClientKey)).ToArray());
    }

    internal static Results<Ok<RecordGatewayRequestsResult>, ValidationProblem> RecordRequests(RecordGatewayRequests batch, AccountStore store)
    {
        if (batch.Requests is null || batch.Requests.Count > MaxBatch)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["requests"] = [$"A batch holds 0 to {MaxBatch} requests."] });
        }

        int recorded = 0, unknown = 0;
        foreach (var group in batch.Requests.GroupBy(request => request.AccountId, StringComparer.Ordinal))
        {
            var records = group.OrderBy(request => request.Timestamp).Select(request => new RequestRecord
            {
                TimestampMs = request.Timestamp.ToUnixTimeMilliseconds(),
                Method = Truncate(request.Method, 16),
                Path = Truncate(request.Path, 256),
                StatusCode = request.StatusCode,
                LatencyMs = request.LatencyMs,
                Model = Truncate(request.Model, 128),
                InputTokens = request.InputTokens,
                OutputTokens = request.OutputTokens,
                Retried = request.Retried,
                ClientKey = Truncate(request.ClientKey, 64),
            }).ToList();
            if (store.RecordRequests(group.Key, records) is null)
            {
                unknown += records.Count;
            }
            else
            {
                recorded += records.Count;
            }
        }

        return TypedResults.Ok(new RecordGatewayRequestsResult(recorded, unknown));
    }

    private static GatewayKeyView ToView(GatewayKeyRecord key) =>
        new(key.Id, key.Name, DateTimeOffset.FromUnixTimeMilliseconds(key.CreatedAtMs), key.Fingerprint);

    private static string? Truncate(string? value, int length) => value is { } text && text.Length > length ? text[..length] : value;

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
