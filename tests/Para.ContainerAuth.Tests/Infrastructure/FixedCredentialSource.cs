using System.Collections.Concurrent;
using Para.ContainerAuth.Credentials;
using Para.Contracts.Credentials;

namespace Para.ContainerAuth.Tests.Infrastructure;

/// <summary>
/// Stands in for the account API: fake token strings, real everything else. Each call hands out a
/// new access token, so a test can tell fresh credentials from old ones.
/// </summary>
public sealed class FixedCredentialSource(TimeProvider timeProvider) : ICredentialSource
{
    public const string BrokenAccount = "broken";

    /// <summary>An account the stand-in account API does not have (every other name exists).</summary>
    public const string MissingAccount = "nobody-here";
    private int _issued;

    /// <summary>Like the account API, leaves the refresh token out unless container-auth asks for it.</summary>
    public bool IncludeRefreshToken { get; set; } = true;

    public TimeSpan Lifetime { get; set; } = TimeSpan.FromDays(30);

    public ConcurrentQueue<CredentialsExport> Issued { get; } = new();

    /// <summary>Like the account API: the fingerprint of the access token issued last for the account.</summary>
    public Task<string?> CurrentFingerprintAsync(string account, CancellationToken cancellationToken) =>
        Task.FromResult(Issued.LastOrDefault(export => export.AccountName == account)?.Fingerprint);

    public Task<string?> FindAccountNameAsync(string account, CancellationToken cancellationToken) =>
        Task.FromResult(account == MissingAccount ? null : account);

    public Task<CredentialsExport> GetAsync(string account, CancellationToken cancellationToken)
    {
        if (account == BrokenAccount)
        {
            throw new CredentialsUnavailableException($"The account API answered 404 for the credentials of '{account}'.");
        }

        var serial = Interlocked.Increment(ref _issued);
        var expiresAt = timeProvider.GetUtcNow().Add(Lifetime);
        var export = new CredentialsExport(
            account,
            expiresAt,
            $"fp-{account}-{serial}",
            new ClaudeCredentialsFile(new ClaudeAiOauth(
                $"fake-access-{account}-{serial}",
                IncludeRefreshToken ? $"fake-refresh-{account}-{serial}" : "",
                expiresAt.ToUnixTimeMilliseconds(),
                ["user:inference", "user:profile"],
                "max")),
            new ClaudeAccountDetails(new ClaudeOAuthAccount($"uuid-{account}", $"{account}@example.test", "Test Org")),
            // As the account API computes it: the 30-minute window, or a quarter of a shorter lifetime.
            expiresAt - (Lifetime / 4 < TimeSpan.FromMinutes(30) ? Lifetime / 4 : TimeSpan.FromMinutes(30)));
        Issued.Enqueue(export);
        return Task.FromResult(export);
    }
}
