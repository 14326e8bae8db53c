using Microsoft.Extensions.Options;

namespace Para.Gateway;

/// <summary>Bound from <c>Para:Gateway</c>; every default is written on its property.</summary>
public sealed class GatewayOptions
{
    public const string SectionName = "Para:Gateway";

    /// <summary>Where requests go for an account without a custom endpoint. Default <c>https://api.anthropic.com</c>.</summary>
    public Uri DefaultEndpoint { get; set; } = new("https://api.anthropic.com");

    /// <summary>The <c>anthropic-beta</c> flag OAuth tokens need (max mode), added to the client's list when missing. Default <c>oauth-2025-04-20</c>.</summary>
    public string OAuthBeta { get; set; } = "oauth-2025-04-20";

    /// <summary><c>priority</c> (default): the lowest priority number first. <c>least-used</c>: the account this gateway sent the fewest requests to.</summary>
    public string Strategy { get; set; } = GatewayStrategies.Priority;

    /// <summary>The request header that names a client session; without it the session is the client's key. Default <c>x-claude-code-session-id</c>.</summary>
    public string SessionHeader { get; set; } = "x-claude-code-session-id";

    /// <summary>How long a session keeps its account while that account stays usable. Default 5 h (as ccflare). Zero turns stickiness off.</summary>
    public TimeSpan SessionWindow { get; set; } = TimeSpan.FromHours(5);

    /// <summary>How long an account rests after a 429 that names no reset time. Default 60 s.</summary>
    public TimeSpan RateLimitRest { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>The longest rest a reset header can ask for. Default 7 days (the weekly limit).</summary>
    public TimeSpan MaxRest { get; set; } = TimeSpan.FromDays(7);

    /// <summary>
    /// The largest request body <c>/v1/*</c> takes (the provider's own limit for a message request
    /// is 32 MB); the service-wide <c>Para:Http:MaxRequestBodyBytes</c> is for Para's small JSON
    /// calls and does not apply here. Default 32 MiB.
    /// </summary>
    public long MaxRequestBodyBytes { get; set; } = 32 * 1024 * 1024;

    /// <summary>
    /// Request bodies up to this size are kept in memory so a request can be sent again (after a
    /// refresh, or to the next account after a 429); larger ones are streamed once. Default 32 MiB.
    /// </summary>
    public long MaxReplayableBodyBytes { get; set; } = 32 * 1024 * 1024;

    /// <summary>How long a valid gateway key is believed without asking the account API. Default 30 s; a revocation on the event stream ends it at once.</summary>
    public TimeSpan KeyCacheDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long the account list is kept when no event says it changed. Default 30 s.</summary>
    public TimeSpan AccountListCacheDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>A cached token this close to its expiry is asked for again. Default 5 min.</summary>
    public TimeSpan TokenExpiryMargin { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Request records are sent to the account API when this many wait. Default 100.</summary>
    public int RecordBatchSize { get; set; } = 100;

    /// <summary>…or when the oldest waiting record is this old. Default 2 s.</summary>
    public TimeSpan RecordFlushInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The provider's usage endpoint, polled for every subscription account (Bearer, the OAuth beta
    /// flag): the cheapest authenticated call, so it also tells whether the provider accepts the token.
    /// Default <c>https://api.anthropic.com/api/oauth/usage</c>; empty turns polling off.
    /// </summary>
    public string? UsageUrl { get; set; } = "https://api.anthropic.com/api/oauth/usage";

    /// <summary>How often each account's usage is asked for. Default 5 min.</summary>
    public TimeSpan UsagePollInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>After a 429 from the usage endpoint the account's interval doubles, up to this. Default 1 h.</summary>
    public TimeSpan UsagePollMaxBackoff { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Time allowed to connect to the provider. Default 15 s.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Longest wait for the provider's response headers; a stream may run longer. Default 10 min.</summary>
    public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromMinutes(10);
}

public static class GatewayStrategies
{
    public const string Priority = "priority";
    public const string LeastUsed = "least-used";
}

internal sealed class GatewayOptionsValidator : IValidateOptions<GatewayOptions>
{
    public ValidateOptionsResult Validate(string? name, GatewayOptions options)
    {
        var failures = new List<string>();
        const string Section = GatewayOptions.SectionName;
        if (options.DefaultEndpoint is not { IsAbsoluteUri: true } endpoint || (endpoint.Scheme != Uri.UriSchemeHttps && endpoint.Scheme != Uri.UriSchemeHttp))
        {
            failures.Add($"{Section}:DefaultEndpoint must be an absolute http(s) URL.");
        }

        if (options.Strategy is not (GatewayStrategies.Priority or GatewayStrategies.LeastUsed))
        {
            failures.Add($"{Section}:Strategy is '{GatewayStrategies.Priority}' or '{GatewayStrategies.LeastUsed}'.");
        }

        if (string.IsNullOrWhiteSpace(options.SessionHeader))
        {
            failures.Add($"{Section}:SessionHeader is required.");
        }

        if (options.SessionWindow < TimeSpan.Zero || options.RateLimitRest <= TimeSpan.Zero || options.MaxRest < options.RateLimitRest)
        {
            failures.Add($"{Section}:SessionWindow must not be negative, RateLimitRest must be positive and MaxRest at least RateLimitRest.");
        }

        if (options.MaxReplayableBodyBytes < 0 || options.MaxRequestBodyBytes <= 0)
        {
            failures.Add($"{Section}:MaxRequestBodyBytes must be positive and MaxReplayableBodyBytes not negative.");
        }

        if (options.KeyCacheDuration < TimeSpan.Zero || options.AccountListCacheDuration < TimeSpan.Zero || options.TokenExpiryMargin < TimeSpan.Zero)
        {
            failures.Add($"{Section}:KeyCacheDuration, AccountListCacheDuration and TokenExpiryMargin must not be negative.");
        }

        if (options.RecordBatchSize is < 1 or > 1000 || options.RecordFlushInterval <= TimeSpan.Zero)
        {
            failures.Add($"{Section}:RecordBatchSize is 1 to 1000 and RecordFlushInterval must be positive.");
        }

        if (!string.IsNullOrWhiteSpace(options.UsageUrl) && !Uri.TryCreate(options.UsageUrl, UriKind.Absolute, out _))
        {
            failures.Add($"{Section}:UsageUrl must be an absolute URL, or empty to turn usage polling off.");
        }

        if (options.UsagePollInterval < TimeSpan.FromSeconds(10) || options.UsagePollMaxBackoff < options.UsagePollInterval)
        {
            failures.Add($"{Section}:UsagePollInterval must be at least 10 s and UsagePollMaxBackoff at least UsagePollInterval.");
        }

        if (options.ConnectTimeout <= TimeSpan.Zero || options.ResponseTimeout <= TimeSpan.Zero)
        {
            failures.Add($"{Section}:ConnectTimeout and ResponseTimeout must be positive.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
