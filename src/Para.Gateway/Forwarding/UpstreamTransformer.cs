using System.Globalization;
using System.Net.Http.Headers;
using Microsoft.Extensions.Primitives;
using Para.Contracts.Gateway;
using Yarp.ReverseProxy.Forwarder;

namespace Para.Gateway.Forwarding;

/// <summary>
/// One attempt's header work. Upstream: the client's gateway key and any credential of its own go,
/// the account's credential comes in (Bearer + the OAuth beta flag for max, <c>x-api-key</c> for
/// console); every other client header, <c>anthropic-version</c> and its own <c>anthropic-beta</c>
/// list included, is kept. Downstream: a 401, 403 or 429 is held back (nothing reaches the client)
/// when the request can still be sent again, so the gateway can refresh or fail over.
/// </summary>
internal sealed class UpstreamTransformer(UpstreamCredential credential, string oauthBeta, bool holdBackRefusals) : HttpTransformer
{
    private const int MaxHeldBody = 64 * 1024;

    /// <summary>Client headers that never go upstream: they carry the client's own credentials.</summary>
    private static readonly string[] ClientCredentialHeaders = ["Authorization", "x-api-key", "Proxy-Authorization", "Cookie"];

    /// <summary>The refused answer that was held back, when there was one.</summary>
    public HeldResponse? Held { get; private set; }

    /// <summary>The provider's status code, once it answered.</summary>
    public int? UpstreamStatus { get; private set; }

    public RateLimitHeaders Limits { get; private set; }

    public override async ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
    {
        await base.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken);
        var headers = proxyRequest.Headers;
        foreach (var name in ClientCredentialHeaders)
        {
            headers.Remove(name);
        }

        // The provider's host, not the gateway's; and an uncompressed answer, so usage can be read from it.
        headers.Host = null;
        headers.AcceptEncoding.Clear();

        if (credential.AccessToken is { Length: > 0 } accessToken)
        {
            headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
            var betas = MergeBeta(httpContext.Request.Headers["anthropic-beta"], oauthBeta);
            headers.Remove("anthropic-beta");
            headers.TryAddWithoutValidation("anthropic-beta", betas);
        }
        else if (credential.ApiKey is { Length: > 0 } apiKey)
        {
            headers.TryAddWithoutValidation("x-api-key", apiKey);
        }
    }

    public override async ValueTask<bool> TransformResponseAsync(HttpContext httpContext, HttpResponseMessage? proxyResponse, CancellationToken cancellationToken)
    {
        if (proxyResponse is null)
        {
            return await base.TransformResponseAsync(httpContext, proxyResponse, cancellationToken);
        }

        UpstreamStatus = (int)proxyResponse.StatusCode;
        Limits = RateLimitHeaders.Read(proxyResponse.Headers);
        if (holdBackRefusals && UpstreamStatus is 401 or 403 or 429)
        {
            Held = await HeldResponse.ReadAsync(proxyResponse, MaxHeldBody, cancellationToken);
            return false;
        }

        return await base.TransformResponseAsync(httpContext, proxyResponse, cancellationToken);
    }

    /// <summary>The client's beta flags in their order, plus <paramref name="required"/> when none of them is it.</summary>
    internal static string MergeBeta(StringValues client, string required)
    {
        var flags = new List<string>();
        foreach (var value in client)
        {
            foreach (var flag in (value ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (!flags.Contains(flag, StringComparer.OrdinalIgnoreCase))
                {
                    flags.Add(flag);
                }
            }
        }

        if (!string.IsNullOrWhiteSpace(required) && !flags.Contains(required, StringComparer.OrdinalIgnoreCase))
        {
            flags.Add(required);
        }

        return string.Join(',', flags);
    }
}

/// <summary>A refused answer kept back from the client: status, the headers worth passing on, a bounded body.</summary>
internal sealed record HeldResponse(int StatusCode, IReadOnlyList<KeyValuePair<string, string[]>> Headers, byte[] Body)
{
    private static readonly string[] KeptHeaders = ["content-type", "request-id", "retry-after", "x-should-retry"];

    public static async Task<HeldResponse> ReadAsync(HttpResponseMessage response, int maxBody, CancellationToken cancellationToken)
    {
        var headers = new List<KeyValuePair<string, string[]>>();
        foreach (var header in response.Headers.Concat(response.Content.Headers))
        {
            if (Array.Exists(KeptHeaders, name => string.Equals(name, header.Key, StringComparison.OrdinalIgnoreCase))
                || header.Key.StartsWith("anthropic-ratelimit-", StringComparison.OrdinalIgnoreCase))
            {
                headers.Add(new KeyValuePair<string, string[]>(header.Key, [.. header.Value]));
            }
        }

        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        var body = new byte[maxBody];
        var length = 0;
        int read;
        while (length < maxBody && (read = await stream.ReadAsync(body.AsMemory(length), cancellationToken)) > 0)
        {
            length += read;
        }

        return new HeldResponse((int)response.StatusCode, headers, body[..length]);
    }

    /// <summary>Sends it to the client after all (the last account, or the refresh did not help).</summary>
    public async Task WriteAsync(HttpResponse response, CancellationToken cancellationToken)
    {
        response.StatusCode = StatusCode;
        foreach (var (name, values) in Headers)
        {
            response.Headers[name] = values;
        }

        response.ContentLength = Body.Length;
        await response.Body.WriteAsync(Body, cancellationToken);
    }
}

/// <summary>
/// The provider's limit headers: <c>anthropic-ratelimit-unified-status</c>, <c>-reset</c> (Unix
/// seconds), the 5 h and 7 d utilization and resets, and <c>retry-after</c>.
/// </summary>
internal readonly record struct RateLimitHeaders(
    string? Status,
    DateTimeOffset? Reset,
    double? FiveHourUtilization,
    DateTimeOffset? FiveHourReset,
    double? SevenDayUtilization,
    DateTimeOffset? SevenDayReset,
    TimeSpan? RetryAfter,
    DateTimeOffset? RetryAt)
{
    public bool Any => Status is not null || Reset is not null || FiveHourUtilization is not null || SevenDayUtilization is not null || RetryAfter is not null;

    public static RateLimitHeaders Read(HttpResponseHeaders headers) => new(
        Value(headers, "anthropic-ratelimit-unified-status"),
        Time(headers, "anthropic-ratelimit-unified-reset"),
        Number(headers, "anthropic-ratelimit-unified-5h-utilization"),
        Time(headers, "anthropic-ratelimit-unified-5h-reset"),
        Number(headers, "anthropic-ratelimit-unified-7d-utilization"),
        Time(headers, "anthropic-ratelimit-unified-7d-reset"),
        headers.RetryAfter?.Delta,
        headers.RetryAfter?.Date);

    /// <summary>When a limited account may be used again: the reset the provider named, else its retry-after, else null.</summary>
    public DateTimeOffset? ResetAfter(DateTimeOffset now) =>
        Reset is { } reset && reset > now ? reset
        : RetryAfter is { } delay && delay > TimeSpan.Zero ? now + delay
        : RetryAt is { } at && at > now ? at
        : null;

    private static string? Value(HttpResponseHeaders headers, string name) =>
        headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

    private static double? Number(HttpResponseHeaders headers, string name) =>
        double.TryParse(Value(headers, name), NumberStyles.Float, CultureInfo.InvariantCulture, out var number) ? number : null;

    private static DateTimeOffset? Time(HttpResponseHeaders headers, string name)
    {
        var value = Value(headers, name);
        if (long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds))
        {
            return seconds > 100_000_000_000 ? DateTimeOffset.FromUnixTimeMilliseconds(seconds) : DateTimeOffset.FromUnixTimeSeconds(seconds);
        }

        return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : null;
    }
}
