using System.Security.Cryptography;
using System.Text;

namespace Para.Contracts.Credentials;

/// <summary>
/// A short, non-reversible name for a secret: the first 12 hex digits of its SHA-256. Enough to
/// tell two tokens apart in a list or a log, useless for recovering either. Every service names
/// tokens this way, so a fingerprint in one service's log matches the other's.
/// </summary>
public static class TokenFingerprint
{
    public static string Of(string secret) =>
        "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)))[..12];
}
