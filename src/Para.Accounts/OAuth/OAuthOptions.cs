using Microsoft.Extensions.Options;

namespace Para.Accounts.OAuth;

/// <summary>
/// The OAuth provider, bound from <c>Para:OAuth</c> and validated at start. The defaults are the
/// values public Claude tools updated in 2026 use with Anthropic (the old <c>console.anthropic.com</c>
/// token host is reported to answer 404); every one can be overridden, and tests point every URL at
/// a local server.
/// </summary>
public sealed class OAuthOptions
{
    public const string SectionName = "Para:OAuth";

    /// <summary>
    /// Authorize URL for Claude subscription (<c>max</c>) accounts. Claude's own sign-in page
    /// (<c>claude.com/cai/oauth/authorize</c> redirects here).
    /// </summary>
    public Uri MaxAuthorizeUrl { get; set; } = new("https://claude.ai/oauth/authorize");

    /// <summary>Authorize URL for Console (<c>console</c>) accounts: the Claude developer platform.</summary>
    public Uri ConsoleAuthorizeUrl { get; set; } = new("https://platform.claude.com/oauth/authorize");

    /// <summary>Code exchange and refresh, for both kinds of account.</summary>
    public Uri TokenUrl { get; set; } = new("https://platform.claude.com/v1/oauth/token");

    public string ClientId { get; set; } = "9d1c250a-e61b-44d9-88ed-5944d1962f5e";

    /// <summary>The provider's own page that shows the user <c>code#state</c> to paste.</summary>
    public Uri RedirectUri { get; set; } = new("https://platform.claude.com/oauth/code/callback");

    /// <summary>Space-separated; Claude Code's own set, so exported credentials work in it unchanged.</summary>
    public string Scopes { get; set; } = "org:create_api_key user:profile user:inference user:sessions:claude_code user:mcp_servers user:file_upload";

    /// <summary>Extra authorize query parameters; <c>code=true</c> makes the provider show the code.</summary>
    public string AuthorizeQueryExtras { get; set; } = "code=true";

    /// <summary><c>Json</c> (what Anthropic's token endpoint takes) or <c>Form</c> (RFC 6749).</summary>
    public TokenRequestEncoding TokenRequestEncoding { get; set; } = TokenRequestEncoding.Json;

    /// <summary>
    /// Where a Console account exchanges its access token for an API key (<c>POST</c>, Bearer,
    /// answers <c>{"raw_key": ...}</c>). Set it to empty to skip the step.
    /// </summary>
    public Uri? ApiKeyUrl { get; set; } = new("https://api.anthropic.com/api/oauth/claude_cli/create_api_key");

    /// <summary>The API-key endpoint to call, or null when it is switched off (an empty setting binds as an empty URL).</summary>
    public Uri? ApiKeyEndpoint => ApiKeyUrl is { OriginalString.Length: > 0 } url ? url : null;

    /// <summary>How long a begun flow waits for its code (default 10 minutes).</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>One request to the provider gives up after this long (default 30 seconds).</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    public Uri AuthorizeUrlFor(string mode) => mode == Para.Contracts.Accounts.AccountModes.Console ? ConsoleAuthorizeUrl : MaxAuthorizeUrl;
}

public enum TokenRequestEncoding
{
    Json,
    Form,
}

internal sealed class OAuthOptionsValidator : IValidateOptions<OAuthOptions>
{
    public ValidateOptionsResult Validate(string? name, OAuthOptions options)
    {
        var failures = new List<string>();
        RequireAbsolute(options.MaxAuthorizeUrl, nameof(options.MaxAuthorizeUrl), failures);
        RequireAbsolute(options.ConsoleAuthorizeUrl, nameof(options.ConsoleAuthorizeUrl), failures);
        RequireAbsolute(options.TokenUrl, nameof(options.TokenUrl), failures);
        RequireAbsolute(options.RedirectUri, nameof(options.RedirectUri), failures);
        if (options.ApiKeyEndpoint is { } apiKeyUrl)
        {
            RequireAbsolute(apiKeyUrl, nameof(options.ApiKeyUrl), failures);
        }

        if (string.IsNullOrWhiteSpace(options.ClientId))
        {
            failures.Add($"{OAuthOptions.SectionName}:{nameof(options.ClientId)} is required.");
        }

        if (string.IsNullOrWhiteSpace(options.Scopes))
        {
            failures.Add($"{OAuthOptions.SectionName}:{nameof(options.Scopes)} is required.");
        }

        if (!Enum.IsDefined(options.TokenRequestEncoding))
        {
            failures.Add($"{OAuthOptions.SectionName}:{nameof(options.TokenRequestEncoding)} must be Json or Form.");
        }

        if (options.SessionLifetime <= TimeSpan.Zero || options.RequestTimeout <= TimeSpan.Zero)
        {
            failures.Add($"{OAuthOptions.SectionName}: {nameof(options.SessionLifetime)} and {nameof(options.RequestTimeout)} must be positive.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void RequireAbsolute(Uri? uri, string name, List<string> failures)
    {
        if (uri is null || !uri.IsAbsoluteUri || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            failures.Add($"{OAuthOptions.SectionName}:{name} must be an absolute http(s) URL.");
        }
    }
}
