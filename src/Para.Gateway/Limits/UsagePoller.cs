using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Para.Contracts.Accounts;
using Para.Gateway.Accounts;
using Para.Gateway.AuthRefresh;
using Para.Gateway.Forwarding;
using Para.Gateway.Tokens;

namespace Para.Gateway.Limits;

/// <summary>
/// Asks the provider's usage endpoint, for each subscription account in turn, how much of its 5 h
/// and 7 d windows is used. It is the cheapest call the provider authenticates, so it is also the
/// seed's "minimal test query": a refusal goes through the refresh manager like any request, and
/// one the refresh does not cure marks the account as refused by the provider, whatever its expiry
/// says. A 429 doubles that account's interval, up to <see cref="GatewayOptions.UsagePollMaxBackoff"/>.
/// </summary>
internal sealed partial class UsagePoller(
    IHttpClientFactory httpClientFactory,
    AccountCatalog catalog,
    UpstreamCredentials credentials,
    AuthRefreshManager refreshManager,
    AccountLimitsTracker limits,
    TimeProvider timeProvider,
    IOptionsMonitor<GatewayOptions> options,
    ILogger<UsagePoller> logger) : BackgroundService
{
    public const string HttpClientName = "provider-usage";
    public const string OperationName = "pollUsage";

    private readonly ConcurrentDictionary<string, DateTimeOffset> _nextPoll = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TimeSpan> _interval = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _pass = new(1, 1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await PollDueAsync(stoppingToken);
                await Task.Delay(TimeSpan.FromSeconds(10), timeProvider, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                LogPassFailed(logger, exception.GetType().Name);
                await Task.Delay(TimeSpan.FromSeconds(30), timeProvider, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    /// <summary>Polls every subscription account whose turn has come (all of them the first time).</summary>
    public async Task PollDueAsync(CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(options.CurrentValue.UsageUrl))
        {
            return;
        }

        // One pass at a time: an account is never asked twice at once.
        await _pass.WaitAsync(cancellationToken);
        try
        {
            var now = timeProvider.GetUtcNow();
            foreach (var account in await catalog.GetAsync(cancellationToken))
            {
                if (account is { Mode: AccountModes.Max, Paused: false, RequiresReauth: false, Token: not null }
                    && (!_nextPoll.TryGetValue(account.Id, out var next) || next <= now))
                {
                    await PollAsync(account, cancellationToken);
                }
            }
        }
        finally
        {
            _pass.Release();
        }
    }

    /// <summary>One account's usage, now.</summary>
    public async Task PollAsync(AccountView account, CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        var interval = _interval.GetValueOrDefault(account.Id, settings.UsagePollInterval);
        try
        {
            var usage = await refreshManager.ExecuteAsync(token => FetchAsync(account.Id, token), OperationName, account.Id, cancellationToken: cancellationToken);
            if (usage is null)
            {
                // 429: ask less often.
                interval = interval * 2 < settings.UsagePollMaxBackoff ? interval * 2 : settings.UsagePollMaxBackoff;
                limits.UsageFailed(account.Id, "the usage endpoint answered 429", accepted: null);
            }
            else
            {
                interval = settings.UsagePollInterval;
                limits.FromUsage(account.Id, usage.Fingerprint, usage.FiveHourPercent, usage.FiveHourReset, usage.SevenDayPercent, usage.SevenDayReset);
            }
        }
        catch (UsageRefusedException refused)
        {
            // The refresh did not cure it: the provider does not accept this account's token.
            limits.UsageFailed(account.Id, $"the provider refused the token ({refused.StatusCode:D})", accepted: false, refused.RefusedFingerprint);
            LogRefused(logger, account.Name, (int)refused.StatusCode!);
        }
        catch (Exception exception) when (exception is HttpRequestException or JsonException or TaskCanceledException or Refit.ApiException && !cancellationToken.IsCancellationRequested)
        {
            limits.UsageFailed(account.Id, $"the usage endpoint could not be read ({exception.GetType().Name})", accepted: null);
        }

        _interval[account.Id] = interval;
        _nextPoll[account.Id] = timeProvider.GetUtcNow() + interval;
    }

    private async ValueTask<Usage?> FetchAsync(string accountId, CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        var credential = await credentials.GetAsync(accountId, cancellationToken);
        using var request = new HttpRequestMessage(HttpMethod.Get, settings.UsageUrl);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", credential.AccessToken);
        request.Headers.TryAddWithoutValidation("anthropic-beta", settings.OAuthBeta);
        using var client = httpClientFactory.CreateClient(HttpClientName);
        using var response = await client.SendAsync(request, cancellationToken);
        if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            throw new UsageRefusedException(response.StatusCode, credential.Fingerprint);
        }

        if (response.StatusCode == HttpStatusCode.TooManyRequests)
        {
            return null;
        }

        response.EnsureSuccessStatusCode();
        using var document = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
        return new Usage(
            credential.Fingerprint,
            Percent(document.RootElement, "five_hour"), Reset(document.RootElement, "five_hour"),
            Percent(document.RootElement, "seven_day"), Reset(document.RootElement, "seven_day"));
    }

    private static double? Percent(JsonElement root, string window) =>
        root.TryGetProperty(window, out var value) && value.ValueKind == JsonValueKind.Object
        && value.TryGetProperty("utilization", out var utilization) && utilization.TryGetDouble(out var percent) ? percent : null;

    private static DateTimeOffset? Reset(JsonElement root, string window) =>
        root.TryGetProperty(window, out var value) && value.ValueKind == JsonValueKind.Object
        && value.TryGetProperty("resets_at", out var resets) && resets.ValueKind == JsonValueKind.String
        && DateTimeOffset.TryParse(resets.GetString(), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var at) ? at : null;

    [LoggerMessage(Level = LogLevel.Warning, Message = "The provider refused the token of account {Account} ({Status}) and a refresh did not help; it is reported as not authenticated")]
    private static partial void LogRefused(ILogger logger, string account, int status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A usage polling pass failed ({ExceptionType})")]
    private static partial void LogPassFailed(ILogger logger, string exceptionType);

    private sealed record Usage(string Fingerprint, double? FiveHourPercent, DateTimeOffset? FiveHourReset, double? SevenDayPercent, DateTimeOffset? SevenDayReset);

    /// <summary>The usage endpoint refused the account's token.</summary>
    private sealed class UsageRefusedException(HttpStatusCode status, string fingerprint)
        : HttpRequestException($"The usage endpoint answered {(int)status}.", null, status), IRefusedCredential
    {
        public string? RefusedFingerprint { get; } = fingerprint;
    }
}
