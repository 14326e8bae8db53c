using System.Diagnostics;
using System.Globalization;
using System.Net;
using Microsoft.Extensions.Options;
using Para.Contracts.Accounts;
using Para.Contracts.Gateway;
using Para.Gateway.Accounts;
using Para.Gateway.AuthRefresh;
using Para.Gateway.Keys;
using Para.Gateway.Requests;
using Para.Gateway.Tokens;
using Refit;
using Yarp.ReverseProxy.Forwarder;

namespace Para.Gateway.Forwarding;

/// <summary>
/// One client request: check its gateway key, choose an account, send it with YARP on the
/// account's credential. A 401/403 goes through the refresh manager (refresh in the account API,
/// the same request once more); a 429 rests the account and moves the request to the next one.
/// Both are possible only while nothing reached the client and the body can be sent again, so a
/// stream that has started is never retried. Errors of the gateway's own are problem details.
/// </summary>
internal sealed partial class GatewayForwarder(
    IHttpForwarder forwarder,
    UpstreamClient upstream,
    GatewayKeys keys,
    AccountCatalog catalog,
    AccountSelector selector,
    UpstreamCredentials credentials,
    AuthRefreshManager refreshManager,
    RequestRecorder recorder,
    GatewayTelemetry telemetry,
    Limits.AccountLimitsTracker limits,
    TimeProvider timeProvider,
    IOptionsMonitor<GatewayOptions> options,
    ILogger<GatewayForwarder> logger)
{
    public const string OperationName = "forwardRequest";

    public async Task ForwardAsync(HttpContext context)
    {
        var request = context.Request;
        var cancellationToken = context.RequestAborted;
        var settings = options.CurrentValue;
        // Claude requests carry whole conversations and images: the provider's limit, not Para's small-JSON one.
        if (context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = settings.MaxRequestBodyBytes;
        }

        if (PresentedKey(request) is not { } presented)
        {
            telemetry.Refused();
            await ProblemAsync(context, StatusCodes.Status401Unauthorized, "Gateway key required",
                "Send a gateway key (para gateway keys add NAME) as 'Authorization: Bearer <key>' or 'x-api-key: <key>'.");
            return;
        }

        GatewayKeyIdentity? client;
        try
        {
            client = await keys.ValidateAsync(presented, cancellationToken);
        }
        catch (Exception exception) when (IsAccountApiFailure(exception, cancellationToken))
        {
            await ProblemAsync(context, StatusCodes.Status503ServiceUnavailable, "Account service unavailable", "The gateway cannot check keys or fetch tokens right now.");
            return;
        }

        if (client is null)
        {
            telemetry.Refused();
            await ProblemAsync(context, StatusCodes.Status401Unauthorized, "Unknown gateway key", "The key is not a live gateway key; it may have been revoked.");
            return;
        }

        var startedAt = timeProvider.GetTimestamp();
        var startedAtTime = timeProvider.GetUtcNow();
        var body = await ReplayableBody.ReadAsync(request, settings.MaxReplayableBodyBytes, cancellationToken);
        var session = request.Headers[settings.SessionHeader].ToString() is { Length: > 0 } header ? "session:" + header : "key:" + client.Id;
        var observer = new UsageObserver(context.Response.Body, context.Response);
        context.Response.Body = observer;

        using var activity = GatewayTelemetry.Source.StartActivity("gateway forward", ActivityKind.Internal);
        activity?.SetTag("para.gateway.client", client.Name);
        activity?.SetTag("url.path", request.Path.Value);

        var tried = new HashSet<string>(StringComparer.Ordinal);
        while (true)
        {
            IReadOnlyList<AccountView> accounts;
            try
            {
                accounts = await catalog.GetAsync(cancellationToken);
            }
            catch (Exception exception) when (IsAccountApiFailure(exception, cancellationToken))
            {
                await ProblemAsync(context, StatusCodes.Status503ServiceUnavailable, "Account service unavailable", "The gateway cannot list accounts right now.");
                return;
            }

            var choice = selector.Choose(accounts, session, tried);
            if (choice.Account is not { } account)
            {
                await NoAccountAsync(context, choice, tried.Count);
                return;
            }

            tried.Add(account.Id);
            activity?.SetTag("para.account.name", account.Name);
            activity?.SetTag("para.account.id", account.Id);
            var attempt = await SendAsync(context, account, body, session, cancellationToken);
            switch (attempt.Kind)
            {
                case AttemptKind.RateLimited:
                    var now = timeProvider.GetUtcNow();
                    var until = attempt.Limits.ResetAfter(now) ?? now + settings.RateLimitRest;
                    until = until > now + settings.MaxRest ? now + settings.MaxRest : until;
                    selector.Rest(account.Id, until);
                    LogRateLimited(logger, account.Name, until);
                    telemetry.FailedOver(account.Name);
                    Record(account, context, 429, startedAtTime, startedAt, body, observer, attempt.Retried, client);
                    continue;
                case AttemptKind.Unavailable:
                    // No credential for this account right now (re-auth needed, provider down): the next one.
                    LogAccountUnavailable(logger, account.Name, attempt.Reason ?? "");
                    continue;
            }

            observer.Complete();
            selector.Used(account.Id);
            var status = context.Response.StatusCode;
            if (status == StatusCodes.Status429TooManyRequests)
            {
                // Passed on as it was (the body could not be sent again), but the account still rests.
                var now = timeProvider.GetUtcNow();
                selector.Rest(account.Id, attempt.Limits.ResetAfter(now) ?? now + settings.RateLimitRest);
            }

            activity?.SetTag("http.response.status_code", status);
            activity?.SetTag("para.gateway.retried", attempt.Retried);
            telemetry.Forwarded(account.Name, status);
            Record(account, context, status, startedAtTime, startedAt, body, observer, attempt.Retried, client);
            return;
        }
    }

    private async Task<Attempt> SendAsync(HttpContext context, AccountView account, ReplayableBody body, string session, CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        var attempts = 0;
        var destination = (account.CustomEndpoint is { Length: > 0 } custom ? custom : settings.DefaultEndpoint.ToString()).TrimEnd('/');
        try
        {
            return await refreshManager.ExecuteAsync(
                async token =>
                {
                    attempts++;
                    var credential = await credentials.GetAsync(account.Id, token);
                    if (attempts > 1)
                    {
                        telemetry.Retried(account.Name);
                    }

                    // A held-back answer left status and headers on the response; nothing was sent.
                    if (context.Response.HasStarted)
                    {
                        throw new InvalidOperationException("The response started before the attempt was decided.");
                    }

                    context.Response.Clear();
                    if (!body.TryApply(context.Request))
                    {
                        throw new InvalidOperationException("The request body cannot be sent again.");
                    }

                    var transformer = new UpstreamTransformer(credential, settings.OAuthBeta, holdBackRefusals: body.Replayable);
                    var error = await forwarder.SendAsync(context, destination, upstream.Invoker, upstream.RequestConfig, transformer, token);
                    if (transformer.Held is { StatusCode: 429 })
                    {
                        limits.FromHeaders(account.Id, transformer.Limits, accepted: null);
                    }

                    if (transformer.Held is { StatusCode: 401 or 403 } refused)
                    {
                        throw new UpstreamRefusedException(refused, credential.Fingerprint);
                    }

                    if (transformer.Held is { StatusCode: 429 } limited)
                    {
                        return new Attempt(AttemptKind.RateLimited, attempts > 1, transformer.Limits, limited, null);
                    }

                    if (transformer.UpstreamStatus is { } status && (transformer.Limits.Any || status is >= 200 and < 300))
                    {
                        limits.FromHeaders(account.Id, transformer.Limits, status is >= 200 and < 300 ? true : null, credential.Fingerprint);
                    }

                    if (error != ForwarderError.None)
                    {
                        LogForwardError(logger, account.Name, error.ToString());
                    }

                    return new Attempt(AttemptKind.Done, attempts > 1, transformer.Limits, null, null);
                },
                OperationName, account.Id, session, cancellationToken);
        }
        catch (UpstreamRefusedException refused)
        {
            // Refreshed and refused again, or the refresh did not help: the provider's answer goes to the client.
            limits.FromHeaders(account.Id, default, accepted: false, refused.RefusedFingerprint);
            if (!context.Response.HasStarted)
            {
                context.Response.Clear();
                await refused.Response.WriteAsync(context.Response, cancellationToken);
            }

            return new Attempt(AttemptKind.Done, attempts > 1, default, null, null);
        }
        catch (ApiException exception)
        {
            // 409 must sign in again, 503 no valid token (the provider is failing), 404 removed meanwhile.
            return new Attempt(AttemptKind.Unavailable, false, default, null, $"the account API answered {(int)exception.StatusCode}");
        }
        catch (Exception exception) when (IsAccountApiFailure(exception, cancellationToken) && !context.Response.HasStarted)
        {
            return new Attempt(AttemptKind.Unavailable, false, default, null, $"the account API cannot be reached ({exception.GetType().Name})");
        }
    }

    private async Task NoAccountAsync(HttpContext context, Choice choice, int tried)
    {
        if (choice.SoonestReset is { } reset)
        {
            var seconds = (long)Math.Ceiling(Math.Max(1, (reset - timeProvider.GetUtcNow()).TotalSeconds));
            context.Response.Clear();
            context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            await ProblemAsync(context, StatusCodes.Status429TooManyRequests, "Every account is at a limit",
                $"Every usable account is resting after a rate limit; the first is available again in {seconds} s (after {reset:O}).");
            return;
        }

        telemetry.Refused();
        context.Response.Clear();
        await ProblemAsync(context, StatusCodes.Status503ServiceUnavailable, "No usable account",
            tried == 0
                ? "No account can serve requests: each is paused, needs to sign in again (para accounts reauth NAME), or there is none (para accounts add NAME)."
                : "No account could serve the request: the ones tried have no valid token right now.");
    }

    private void Record(AccountView account, HttpContext context, int status, DateTimeOffset at, long startedAt, ReplayableBody body, UsageObserver observer, bool retried, GatewayKeyIdentity client) =>
        recorder.Add(new GatewayRequestRecord(
            account.Id,
            at,
            context.Request.Method,
            context.Request.Path.Value ?? "",
            status,
            (long)timeProvider.GetElapsedTime(startedAt).TotalMilliseconds,
            status == 429 ? body.Model : observer.Model ?? body.Model,
            status == 429 ? null : observer.InputTokens,
            status == 429 ? null : observer.OutputTokens,
            retried,
            client.Name));

    /// <summary>The client's gateway key: <c>x-api-key</c>, or <c>Authorization: Bearer</c> (what ANTHROPIC_AUTH_TOKEN sends).</summary>
    internal static string? PresentedKey(HttpRequest request)
    {
        if (request.Headers["x-api-key"].ToString() is { Length: > 0 } apiKey)
        {
            return apiKey.Trim();
        }

        var authorization = request.Headers.Authorization.ToString();
        return authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && authorization.Length > 7 ? authorization[7..].Trim() : null;
    }

    private static bool IsAccountApiFailure(Exception exception, CancellationToken cancellationToken) =>
        !cancellationToken.IsCancellationRequested
        && exception is HttpRequestException or ApiException or TaskCanceledException or Polly.Timeout.TimeoutRejectedException or Polly.CircuitBreaker.BrokenCircuitException;

    private static Task ProblemAsync(HttpContext context, int status, string title, string detail) =>
        Results.Problem(title: title, detail: detail, statusCode: status).ExecuteAsync(context);

    [LoggerMessage(Level = LogLevel.Information, Message = "Account {Account} is at a limit; resting until {Until:O}, the request moves on")]
    private static partial void LogRateLimited(ILogger logger, string account, DateTimeOffset until);

    [LoggerMessage(Level = LogLevel.Information, Message = "Account {Account} cannot serve requests right now ({Reason}); the request moves on")]
    private static partial void LogAccountUnavailable(ILogger logger, string account, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Forwarding to account {Account} failed: {Error}")]
    private static partial void LogForwardError(ILogger logger, string account, string error);

    private enum AttemptKind
    {
        Done,
        RateLimited,
        Unavailable,
    }

    private readonly record struct Attempt(AttemptKind Kind, bool Retried, RateLimitHeaders Limits, HeldResponse? Held, string? Reason);
}

/// <summary>The provider refused the account's credential (401/403); nothing reached the client yet.</summary>
internal sealed class UpstreamRefusedException(HeldResponse response, string refusedFingerprint)
    : HttpRequestException($"The provider answered {response.StatusCode}.", null, (HttpStatusCode)response.StatusCode), IRefusedCredential
{
    public HeldResponse Response { get; } = response;

    public string? RefusedFingerprint { get; } = refusedFingerprint;
}
