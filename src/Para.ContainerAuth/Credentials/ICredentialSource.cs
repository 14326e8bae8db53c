using Microsoft.Extensions.Options;
using Para.Client;
using Para.Contracts.Credentials;

namespace Para.ContainerAuth.Credentials;

/// <summary>Where an account's credentials come from; the account API in production.</summary>
public interface ICredentialSource
{
    Task<CredentialsExport> GetAsync(string account, CancellationToken cancellationToken);

    /// <summary>The fingerprint of the account's access token now, without handing out a token; null when unknown.</summary>
    Task<string?> CurrentFingerprintAsync(string account, CancellationToken cancellationToken);

    /// <summary>
    /// The account's name as the account API spells it, or null when it has no such account;
    /// <see cref="CredentialsUnavailableException"/> when it cannot say.
    /// </summary>
    Task<string?> FindAccountNameAsync(string account, CancellationToken cancellationToken);
}

/// <summary>
/// Asks the account API (admin key) for the account's export; never logs what comes back. Whether
/// the refresh token comes along is decided here, once, and the account API leaves it out
/// otherwise, so a withheld token never leaves the account API.
/// </summary>
internal sealed class AccountsCredentialSource(IAccountsApi accounts, IOptions<ContainerAuthOptions> options) : ICredentialSource
{
    public async Task<CredentialsExport> GetAsync(string account, CancellationToken cancellationToken)
    {
        try
        {
            return await accounts.ExportCredentialsAsync(account, options.Value.IncludeRefreshToken, cancellationToken);
        }
        catch (Refit.ApiException exception)
        {
            throw new CredentialsUnavailableException(
                $"The account API answered {(int)exception.StatusCode} for the credentials of '{account}'.", exception);
        }
        catch (HttpRequestException exception)
        {
            throw new CredentialsUnavailableException($"The account API cannot be reached: {exception.Message}", exception);
        }
    }

    public async Task<string?> CurrentFingerprintAsync(string account, CancellationToken cancellationToken)
    {
        try
        {
            return (await accounts.GetAccountAsync(account, cancellationToken)).Token?.Fingerprint;
        }
        catch (Exception exception) when (exception is Refit.ApiException or HttpRequestException)
        {
            return null;
        }
    }

    public async Task<string?> FindAccountNameAsync(string account, CancellationToken cancellationToken)
    {
        try
        {
            return (await accounts.GetAccountAsync(account, cancellationToken)).Name;
        }
        catch (Refit.ApiException exception) when (exception.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }
        catch (Refit.ApiException exception)
        {
            throw new CredentialsUnavailableException($"The account API answered {(int)exception.StatusCode} for account '{account}'.", exception);
        }
        catch (HttpRequestException exception)
        {
            throw new CredentialsUnavailableException($"The account API cannot be reached: {exception.Message}", exception);
        }
    }
}

public sealed class CredentialsUnavailableException(string message, Exception? innerException = null)
    : Exception(message, innerException);
