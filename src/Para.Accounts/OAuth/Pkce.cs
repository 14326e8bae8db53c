using System.Security.Cryptography;
using System.Text;

namespace Para.Accounts.OAuth;

/// <summary>RFC 7636 S256: a 32-byte random verifier and its SHA-256 challenge; the state is its own 32 random bytes.</summary>
internal static class Pkce
{
    public static string CreateVerifier() => Base64Url(RandomNumberGenerator.GetBytes(32));

    public static string CreateState() => Base64Url(RandomNumberGenerator.GetBytes(32));

    public static string ChallengeFor(string verifier) => Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));

    public static string Base64Url(ReadOnlySpan<byte> bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
