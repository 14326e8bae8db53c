using System.Security.Cryptography;
using System.Text;
using Para.Accounts.OAuth;
using Para.Contracts.Accounts;

namespace Para.Accounts.Tests.OAuth;

public sealed class PkceTests
{
    [Fact]
    public void The_verifier_is_32_random_bytes_and_the_challenge_its_S256_hash()
    {
        var verifier = Pkce.CreateVerifier();

        Assert.Equal(43, verifier.Length);
        Assert.NotEqual(verifier, Pkce.CreateVerifier());
        Assert.Equal(Pkce.Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))), Pkce.ChallengeFor(verifier));
        Assert.Equal(43, Pkce.CreateState().Length);
    }

    [Fact]
    public void The_state_is_32_random_bytes_never_repeated()
    {
        var states = Enumerable.Range(0, 1000).Select(_ => Pkce.CreateState()).ToList();

        Assert.All(states, state => Assert.Equal(32, Convert.FromBase64String(state.Replace('-', '+').Replace('_', '/') + "=").Length));
        Assert.Equal(states.Count, states.Distinct(StringComparer.Ordinal).Count());
        Assert.DoesNotContain(states, state => state.Contains('=', StringComparison.Ordinal) || state.Contains('+', StringComparison.Ordinal) || state.Contains('/', StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("abc#xyz", "abc", "xyz")]
    [InlineData("  abc  ", "abc", null)]
    [InlineData("abc#", "abc", null)]
    public void Pasted_codes_split_into_code_and_state(string pasted, string code, string? state)
    {
        Assert.Equal((code, state), PastedCode.Parse(pasted) is var parsed ? (parsed.Code, parsed.State) : default);
    }

    internal static string AnotherVerifier() => Pkce.CreateVerifier();
}
