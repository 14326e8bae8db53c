using Microsoft.Extensions.Options;

namespace Para.Accounts.AuthRefresh;

/// <summary>
/// Bound from <c>Para:AuthRefresh</c>: where the credentials-file fallback looks. The cooldown,
/// failure limit and timeout are per account and live on the token manager (<c>Para:Tokens</c>).
/// </summary>
public sealed class AuthRefreshOptions
{
    public const string SectionName = "Para:AuthRefresh";

    /// <summary>
    /// The Claude Code credentials file read when a refresh fails.
    /// Default <c>$HOME/.claude/.credentials.json</c>.
    /// </summary>
    public string CredentialsFilePath { get; set; } = DefaultCredentialsFilePath();

    /// <summary>
    /// The account (id or name) the credentials file belongs to. Default none: the file is then
    /// offered only when Para holds exactly one account, so it can never land in the wrong one.
    /// </summary>
    public string? CredentialsFileAccount { get; set; }

    public static string DefaultCredentialsFilePath() =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".claude", ".credentials.json");
}

internal sealed class AuthRefreshOptionsValidator : IValidateOptions<AuthRefreshOptions>
{
    public ValidateOptionsResult Validate(string? name, AuthRefreshOptions options) =>
        string.IsNullOrWhiteSpace(options.CredentialsFilePath)
            ? ValidateOptionsResult.Fail($"{AuthRefreshOptions.SectionName}:{nameof(AuthRefreshOptions.CredentialsFilePath)} is required.")
            : ValidateOptionsResult.Success;
}
