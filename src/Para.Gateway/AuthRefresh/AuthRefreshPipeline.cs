using Microsoft.Extensions.Logging;
using Polly;
using Polly.Telemetry;

namespace Para.Gateway.AuthRefresh;

/// <summary>
/// Asks whoever owns the account's tokens for newer ones after a call was refused; true when the
/// call should run once more. In the gateway that is the account API (<see cref="AccountsAuthRecovery"/>).
/// </summary>
internal interface IAuthRecovery
{
    /// <param name="refusedFingerprint">The refused credential's fingerprint, when the failure says (<see cref="IRefusedCredential"/>).</param>
    ValueTask<bool> TryRecoverAsync(string accountId, string? refusedFingerprint, DateTimeOffset callStartedAt, CancellationToken cancellationToken);
}

/// <summary>An authentication failure that knows which credential was refused (its fingerprint, never the credential).</summary>
internal interface IRefusedCredential
{
    string? RefusedFingerprint { get; }
}

/// <summary>The resilience pipeline every protected operation runs through.</summary>
internal static class AuthRefreshPipeline
{
    public const string Name = "para-auth-refresh";

    public static readonly ResiliencePropertyKey<string> AccountId = new("para.account.id");
    public static readonly ResiliencePropertyKey<string> SessionId = new("para.session.id");

    public static ResiliencePipelineBuilder AddAuthRecovery(
        this ResiliencePipelineBuilder builder, IAuthRecovery recovery, TimeProvider timeProvider, ILogger logger) =>
        builder.AddStrategy(
            context => new AuthRecoveryStrategy(recovery, timeProvider, context.Telemetry, logger),
            new AuthRecoveryStrategyOptions());
}

internal sealed class AuthRecoveryStrategyOptions : ResilienceStrategyOptions
{
    public AuthRecoveryStrategyOptions() => Name = "AuthRecovery";
}

/// <summary>Reported to Polly's telemetry whenever an authentication failure was handled.</summary>
internal readonly record struct OnAuthRecoveryArguments(bool Recovered);

/// <summary>
/// Runs the call; on an authentication failure asks the account API for fresh credentials (its
/// refresh runs on the account's single flight, under its cooldown and failure limit) and, when
/// there are some, runs the call exactly once more. A second failure goes back to the caller as is.
/// </summary>
internal sealed class AuthRecoveryStrategy(
    IAuthRecovery recovery,
    TimeProvider timeProvider,
    ResilienceStrategyTelemetry telemetry,
    ILogger logger) : ResilienceStrategy
{
    private static readonly ResilienceEvent Recovered = new(ResilienceEventSeverity.Information, "OnAuthRecovery");
    private static readonly ResilienceEvent NotRecovered = new(ResilienceEventSeverity.Warning, "OnAuthRecovery");

    protected override async ValueTask<Outcome<TResult>> ExecuteCore<TResult, TState>(
        Func<ResilienceContext, TState, ValueTask<Outcome<TResult>>> callback, ResilienceContext context, TState state)
    {
        var startedAt = timeProvider.GetUtcNow();
        var outcome = await callback(context, state).ConfigureAwait(context.ContinueOnCapturedContext);
        if (outcome.Exception is not { } exception
            || context.CancellationToken.IsCancellationRequested
            || !AuthFailureClassifier.IsAuthenticationFailure(exception))
        {
            return outcome;
        }

        var operation = context.OperationKey ?? "operation";
        context.Properties.TryGetValue(AuthRefreshPipeline.AccountId, out var accountId);
        context.Properties.TryGetValue(AuthRefreshPipeline.SessionId, out var sessionId);

        AuthRefreshLog.AuthenticationErrorDetected(logger, operation, sessionId ?? AuthRefreshLog.None, accountId ?? AuthRefreshLog.None);
        if (accountId is null)
        {
            // Without an account there is no token to refresh; the call's failure stands.
            return outcome;
        }

        bool recovered;
        try
        {
            recovered = await recovery.TryRecoverAsync(accountId, (exception as IRefusedCredential)?.RefusedFingerprint, startedAt, context.CancellationToken)
                .ConfigureAwait(context.ContinueOnCapturedContext);
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
            return outcome;
        }

        telemetry.Report(recovered ? Recovered : NotRecovered, context, outcome, new OnAuthRecoveryArguments(recovered));
        if (!recovered)
        {
            return outcome;
        }

        AuthRefreshLog.RetryingAfterRefresh(logger, operation, sessionId ?? AuthRefreshLog.None, accountId);
        return await callback(context, state).ConfigureAwait(context.ContinueOnCapturedContext);
    }
}

/// <summary>Tags Polly's own resilience metrics with the account a protected call was for.</summary>
internal sealed class AuthRefreshMeteringEnricher : MeteringEnricher
{
    public override void Enrich<TResult, TArgs>(in EnrichmentContext<TResult, TArgs> context)
    {
        if (context.TelemetryEvent.Context.Properties.TryGetValue(AuthRefreshPipeline.AccountId, out var accountId))
        {
            context.Tags.Add(new KeyValuePair<string, object?>(AuthRefreshPipeline.AccountId.Key, accountId));
        }
    }
}
