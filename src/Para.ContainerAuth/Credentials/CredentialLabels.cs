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

    /// <summary>When the account API refreshes the token inside: from then on the image is "expiring".</summary>
    public const string RefreshDueAt = "para.refresh-due-at";

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
        [RefreshDueAt] = (credentials.RefreshDueAt ?? credentials.ExpiresAt).ToString("O", CultureInfo.InvariantCulture),
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

    /// <summary>An image's status from its labels: "expiring" from the refresh-due time the account API gave.</summary>
    public static string StatusOf(IReadOnlyDictionary<string, string> labels, DateTimeOffset now, TimeSpan fallbackExpiringWithin) =>
        StatusOf(ReadTime(labels, ExpiresAt), ReadTime(labels, RefreshDueAt), now, fallbackExpiringWithin);

    /// <summary>
    /// "Expiring" from <paramref name="refreshDueAt"/> on, relative to the token's lifetime as the
    /// account API computed it; only when that is unknown (a file read from a container, an image
    /// written before the label) from <paramref name="fallbackExpiringWithin"/> before expiry.
    /// </summary>
    public static string StatusOf(DateTimeOffset? expiresAt, DateTimeOffset? refreshDueAt, DateTimeOffset now, TimeSpan fallbackExpiringWithin) => expiresAt switch
    {
        null => CredentialStatus.None,
        { } at when at <= now => CredentialStatus.Expired,
        { } at when (refreshDueAt ?? at - fallbackExpiringWithin) <= now => CredentialStatus.Expiring,
        _ => CredentialStatus.Valid,
    };
}
