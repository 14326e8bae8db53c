using System.Text.Json;
using Microsoft.Extensions.Options;
using Para.Accounts.Storage;
using Para.Accounts.Tokens;
using Para.Contracts.Credentials;

namespace Para.Accounts.AuthRefresh;

/// <summary>
/// When a refresh fails, Claude Code may have logged in again by itself and written a fresh
/// <c>.credentials.json</c>. Offered only for the account the file is assigned to, or when Para
/// holds exactly one account, so it can never land in the wrong one.
/// </summary>
internal sealed class CredentialsFileFallback(AccountStore store, IOptionsMonitor<AuthRefreshOptions> options) : ITokenFallback
{
    public string Name => "credentials file";

    public async Task<ClaudeAiOauth?> FindNewerAsync(string accountId, string accountName, CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        if (!BelongsToAccount(settings, accountId, accountName) || !File.Exists(settings.CredentialsFilePath))
        {
            return null;
        }

        try
        {
            await using var stream = File.OpenRead(settings.CredentialsFilePath);
            var file = await JsonSerializer.DeserializeAsync<ClaudeCredentialsFile>(stream, cancellationToken: cancellationToken);
            return file?.ClaudeAiOauth is { AccessToken.Length: > 0, RefreshToken.Length: > 0 } oauth ? oauth : null;
        }
        catch (JsonException)
        {
            // Not Claude Code's format (or half-written): nothing to take.
            return null;
        }
    }

    private bool BelongsToAccount(AuthRefreshOptions settings, string accountId, string accountName)
    {
        if (settings.CredentialsFileAccount is { Length: > 0 } owner)
        {
            return string.Equals(owner, accountId, StringComparison.OrdinalIgnoreCase)
                || string.Equals(owner, accountName, StringComparison.OrdinalIgnoreCase);
        }

        var accounts = store.List();
        return accounts.Count == 1 && accounts[0].Id == accountId;
    }
}
