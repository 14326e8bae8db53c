using Para.Accounts.Tokens;
using Para.Contracts.Credentials;

namespace Para.Accounts.Tests.AuthRefresh;

/// <summary>
/// A hand-written stand-in for the token manager at the <see cref="IAccountTokenService"/> seam:
/// records every call in order and answers as each test tells it to.
/// </summary>
internal sealed class FakeAccountTokenService : IAccountTokenService
{
    private readonly Lock _lock = new();
    private readonly List<string> _calls = [];

    public Func<string, CancellationToken, Task<TokenOperationResult>> OnRefresh { get; set; } =
        (_, _) => Task.FromResult(TokenOperationResult.Succeeded("Refreshed with the refresh token."));

    public Func<string, CancellationToken, Task<TokenOperationResult>> OnReload { get; set; } =
        (_, _) => Task.FromResult(TokenOperationResult.Failed("The store holds no newer tokens.", shouldRetry: false));

    public Func<string, ClaudeAiOauth, CancellationToken, Task<TokenOperationResult>> OnImport { get; set; } =
        (_, _, _) => Task.FromResult(TokenOperationResult.Failed("The file's tokens are not newer.", shouldRetry: false));

    public List<AccountTokenStatus> Accounts { get; } = [];

    public List<ClaudeAiOauth> Imported { get; } = [];

    public IReadOnlyList<string> Calls
    {
        get
        {
            lock (_lock)
            {
                return [.. _calls];
            }
        }
    }

    public static AccountTokenStatus Account(string id, string name, DateTimeOffset? expiresAt, bool requiresReauth = false, string? lastError = null) =>
        new(id, name, expiresAt, RefreshDueAt: expiresAt?.AddMinutes(-30), RefreshTokenIssuedAt: null, LastRefresh: null, requiresReauth, Paused: false, AutoRefresh: true, lastError);

    public Task<TokenOperationResult> RefreshAsync(string accountIdOrName, CancellationToken cancellationToken)
    {
        Record($"refresh:{accountIdOrName}");
        return OnRefresh(accountIdOrName, cancellationToken);
    }

    public Task<TokenOperationResult> ReloadAsync(string accountIdOrName, CancellationToken cancellationToken)
    {
        Record($"reload:{accountIdOrName}");
        return OnReload(accountIdOrName, cancellationToken);
    }

    public Task<TokenOperationResult> ImportAsync(string accountIdOrName, ClaudeAiOauth tokens, CancellationToken cancellationToken)
    {
        Record($"import:{accountIdOrName}");
        lock (_lock)
        {
            Imported.Add(tokens);
        }

        return OnImport(accountIdOrName, tokens, cancellationToken);
    }

    public Task<IReadOnlyList<AccountTokenStatus>> GetStatusesAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult<IReadOnlyList<AccountTokenStatus>>([.. Accounts]);
        }
    }

    private void Record(string call)
    {
        lock (_lock)
        {
            _calls.Add(call);
        }
    }
}
