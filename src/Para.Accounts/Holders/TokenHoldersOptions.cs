using Microsoft.Extensions.Options;

namespace Para.Accounts.Holders;

/// <summary>
/// Bound from <c>Para:Holders</c>: how the account API asks container-auth for the tokens of
/// containers that hold an account's refresh token (docs/decisions/0012).
/// </summary>
public sealed class TokenHoldersOptions
{
    public const string SectionName = "Para:Holders";

    /// <summary>
    /// Container-auth. Default <c>http://container-auth</c>, resolved by service discovery from
    /// <c>services__container-auth__http__0</c> (the AppHost sets it); unset there, the holders
    /// cannot be asked and refreshes of accounts whose refresh token was handed out wait.
    /// </summary>
    public Uri Address { get; set; } = new("http://container-auth");

    /// <summary>How long one question to the holders may take before the refresh is deferred (default 10 s).</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);
}

internal sealed class TokenHoldersOptionsValidator : IValidateOptions<TokenHoldersOptions>
{
    public ValidateOptionsResult Validate(string? name, TokenHoldersOptions options)
    {
        if (options.Address is not { IsAbsoluteUri: true } address || (address.Scheme != Uri.UriSchemeHttp && address.Scheme != Uri.UriSchemeHttps))
        {
            return ValidateOptionsResult.Fail($"{TokenHoldersOptions.SectionName}:{nameof(TokenHoldersOptions.Address)} is an absolute http(s) URL.");
        }

        return options.Timeout <= TimeSpan.Zero || options.Timeout > TimeSpan.FromMinutes(2)
            ? ValidateOptionsResult.Fail($"{TokenHoldersOptions.SectionName}:{nameof(TokenHoldersOptions.Timeout)} is more than 0 and at most 00:02:00.")
            : ValidateOptionsResult.Success;
    }
}
