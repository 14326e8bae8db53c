using System.Globalization;
using Para.Contracts.ContainerAuth;
using Para.Contracts.Credentials;

namespace Para.ContainerAuth.Credentials;

/// <summary>Labels on every image Para writes, so status and expiry are known without a container.</summary>
public static class CredentialLabels
{
    public const string Managed = "para.managed";
    public const string Account = "para.account";
    public const string AuthenticatedAt = "para.authenticated-at";
    public const string ExpiresAt = "para.expires-at";
    public const string Fingerprint = "para.fingerprint";

    /// <summary><c>included</c> when the image can refresh by itself, <c>withheld</c> when only Para can.</summary>
    public const string RefreshToken = "para.refresh-token";

    public const string RefreshTokenIncluded = "included";
    public const string RefreshTokenWithheld = "withheld";

    /// <summary>The image the credentials were added to, so an untagged leftover can be traced.</summary>
    public const string SourceImage = "para.source-image";

    public static Dictionary<string, string> For(CredentialsExport credentials, DateTimeOffset now) => new(StringComparer.Ordinal)
    {
        [Managed] = "true",
        [Account] = credentials.AccountName,
        [AuthenticatedAt] = now.ToString("O", CultureInfo.InvariantCulture),
        [ExpiresAt] = credentials.ExpiresAt.ToString("O", CultureInfo.InvariantCulture),
        [Fingerprint] = credentials.Fingerprint,
        // From what is written, not from the option: an image copied from another keeps the truth.
        [RefreshToken] = string.IsNullOrEmpty(credentials.Credentials.ClaudeAiOauth.RefreshToken) ? RefreshTokenWithheld : RefreshTokenIncluded,
    };

    public static DateTimeOffset? ReadTime(IReadOnlyDictionary<string, string> labels, string key) =>
        labels.TryGetValue(key, out var text)
        && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var value)
            ? value
            : null;

    public static string? Read(IReadOnlyDictionary<string, string> labels, string key) =>
        labels.TryGetValue(key, out var text) && !string.IsNullOrWhiteSpace(text) ? text : null;

    public static string StatusOf(DateTimeOffset? expiresAt, DateTimeOffset now, TimeSpan expiringWithin) => expiresAt switch
    {
        null => CredentialStatus.None,
        { } at when at <= now => CredentialStatus.Expired,
        { } at when at - now <= expiringWithin => CredentialStatus.Expiring,
        _ => CredentialStatus.Valid,
    };
}
