using System.Collections.Concurrent;
using Para.ContainerAuth.Credentials;
using Para.Contracts.Credentials;

namespace Para.ContainerAuth.Tests.Infrastructure;

/// <summary>
/// Stands in for the account API: fake token strings, real everything else. Like the account API it
/// hands out an account's current token until that token is due for refresh, or until the test
/// changes it with <see cref="Rotate"/> (a refresh or a re-authentication there).
/// </summary>
public sealed class FixedCredentialSource(TimeProvider timeProvider) : ICredentialSource
{
    public const string BrokenAccount = "broken";

    /// <summary>An account the stand-in account API does not have (every other name exists).</summary>
    public const string MissingAccount = "nobody-here";
    private readonly Dictionary<string, CredentialsExport> _current = [];
    private int _issued;

    /// <summary>Like the account API, leaves the refresh token out unless container-auth asks for it.</summary>
    public bool IncludeRefreshToken { get; set; } = true;

    public TimeSpan Lifetime { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Every token issued, oldest first: one per account until it rotates.</summary>
    public ConcurrentQueue<CredentialsExport> Issued { get; } = new();

    /// <summary>Every export handed to container-auth, repeats included: how often it asked.</summary>
    public ConcurrentQueue<CredentialsExport> Handed { get; } = new();

    /// <summary>Like the account API: the fingerprint of the account's current access token.</summary>
    public Task<string?> CurrentFingerprintAsync(string account, CancellationToken cancellationToken)
    {
        lock (_current)
        {
            return Task.FromResult(_current.TryGetValue(account, out var current) ? current.Fingerprint : null);
        }
    }

    public Task<string?> FindAccountNameAsync(string account, CancellationToken cancellationToken) =>
        Task.FromResult(account == MissingAccount ? null : account);

    public Task<CredentialsExport> GetAsync(string account, CancellationToken cancellationToken)
    {
        if (account == BrokenAccount)
        {
            throw new CredentialsUnavailableException($"The account API answered 404 for the credentials of '{account}'.");
        }

        CredentialsExport export;
        lock (_current)
        {
            // The account API refreshes a token that is due before it hands it out.
            export = _current.TryGetValue(account, out var current) && timeProvider.GetUtcNow() < current.RefreshDueAt
                ? current
                : Rotate(account);
        }

        Handed.Enqueue(export);
        return Task.FromResult(export);
    }

    /// <summary>The account gets a new access token, as after a refresh or a re-authentication at the account API.</summary>
    public CredentialsExport Rotate(string account)
    {
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
        lock (_current)
        {
            _current[account] = export;
        }

        Issued.Enqueue(export);
        return export;
    }
}
