using System.Text.Json;
using Microsoft.Extensions.Options;
using Para.Accounts.Tokens;
using Para.Contracts.Credentials;

namespace Para.Accounts.AuthRefresh.Strategies;

/// <summary>
/// Last choice: Claude Code may have logged in again by itself and written a fresh
/// <c>.credentials.json</c>; hand its tokens to the token manager, which keeps them only when newer.
/// </summary>
internal sealed class CredentialsFileStrategy(IAccountTokenService tokens, IOptionsMonitor<AuthRefreshOptions> options) : IAuthRefreshStrategy
{
    public string Name => "credentials-file";

    public async Task<TokenOperationResult> RefreshAsync(string accountIdOrName, CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        if (!await BelongsToAccountAsync(settings, accountIdOrName, cancellationToken))
        {
            return TokenOperationResult.Failed("The credentials file is not assigned to this account.", shouldRetry: false);
        }

        var path = settings.CredentialsFilePath;
        if (!File.Exists(path))
        {
            return TokenOperationResult.Failed($"No credentials file at '{path}'.", shouldRetry: false);
        }

        ClaudeCredentialsFile? file;
        try
        {
            await using var stream = File.OpenRead(path);
            file = await JsonSerializer.DeserializeAsync<ClaudeCredentialsFile>(stream, cancellationToken: cancellationToken);
        }
        catch (Exception exception) when (exception is JsonException or IOException or UnauthorizedAccessException)
        {
            // The exception text could quote the file's content; name only the kind of failure.
            return TokenOperationResult.Failed($"The credentials file at '{path}' could not be read ({exception.GetType().Name}).", shouldRetry: false);
        }

        if (file?.ClaudeAiOauth is not { AccessToken.Length: > 0, RefreshToken.Length: > 0 } oauth)
        {
            return TokenOperationResult.Failed($"The credentials file at '{path}' holds no OAuth tokens.", shouldRetry: false);
        }

        return await tokens.ImportAsync(accountIdOrName, oauth, cancellationToken);
    }

    private async Task<bool> BelongsToAccountAsync(AuthRefreshOptions settings, string accountIdOrName, CancellationToken cancellationToken)
    {
        if (settings.CredentialsFileAccount is { Length: > 0 } owner)
        {
            return string.Equals(owner, accountIdOrName, StringComparison.OrdinalIgnoreCase)
                || (await tokens.GetStatusesAsync(cancellationToken)).Any(status =>
                    Matches(status, owner) && Matches(status, accountIdOrName));
        }

        var statuses = await tokens.GetStatusesAsync(cancellationToken);
        return statuses.Count == 1 && Matches(statuses[0], accountIdOrName);
    }

    private static bool Matches(AccountTokenStatus status, string accountIdOrName) =>
        string.Equals(status.AccountId, accountIdOrName, StringComparison.OrdinalIgnoreCase)
        || string.Equals(status.Name, accountIdOrName, StringComparison.OrdinalIgnoreCase);
}
