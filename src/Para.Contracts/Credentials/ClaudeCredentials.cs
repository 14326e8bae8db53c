using System.Text.Json.Serialization;

namespace Para.Contracts.Credentials;

/// <summary>
/// Claude Code's <c>$HOME/.claude/.credentials.json</c>, byte-for-byte the shape Claude Code reads:
/// <c>{"claudeAiOauth":{"accessToken":…,"refreshToken":…,"expiresAt":&lt;ms&gt;,"scopes":[…],"subscriptionType":…}}</c>.
/// </summary>
public sealed record ClaudeCredentialsFile(
    [property: JsonPropertyName("claudeAiOauth")] ClaudeAiOauth ClaudeAiOauth);

public sealed record ClaudeAiOauth(
    [property: JsonPropertyName("accessToken")] string AccessToken,
    [property: JsonPropertyName("refreshToken")] string RefreshToken,
    [property: JsonPropertyName("expiresAt")] long ExpiresAt,
    [property: JsonPropertyName("scopes")] IReadOnlyList<string> Scopes,
    [property: JsonPropertyName("subscriptionType")] string? SubscriptionType);

/// <summary>
/// What the account API hands the container-auth service (admin key only) for one account:
/// the credentials file, the account-details file, and what image labels need without the secret.
/// <see cref="RefreshDueAt"/> is when the account API refreshes this token: from then on it is "expiring".
/// </summary>
public sealed record CredentialsExport(
    string AccountName,
    DateTimeOffset ExpiresAt,
    string Fingerprint,
    ClaudeCredentialsFile Credentials,
    ClaudeAccountDetails AccountDetails,
    DateTimeOffset? RefreshDueAt = null)
{
    /// <summary>Never print the tokens, even by accident in a log of the record.</summary>
    public override string ToString() => $"CredentialsExport {{ AccountName = {AccountName}, ExpiresAt = {ExpiresAt:O}, Fingerprint = {Fingerprint} }}";
}

/// <summary>The parts of <c>$HOME/.claude.json</c> Para writes; Claude Code keeps other keys of its own.</summary>
public sealed record ClaudeAccountDetails(
    [property: JsonPropertyName("oauthAccount")] ClaudeOAuthAccount OAuthAccount,
    [property: JsonPropertyName("hasCompletedOnboarding")] bool HasCompletedOnboarding = true);

public sealed record ClaudeOAuthAccount(
    [property: JsonPropertyName("accountUuid")] string AccountUuid,
    [property: JsonPropertyName("emailAddress")] string? EmailAddress,
    [property: JsonPropertyName("organizationName")] string? OrganizationName);
