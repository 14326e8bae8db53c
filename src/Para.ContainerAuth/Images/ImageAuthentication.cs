using Microsoft.Extensions.Options;
using Para.ContainerAuth.Credentials;
using Para.ContainerAuth.Jobs;
using Para.Contracts.ContainerAuth;

namespace Para.ContainerAuth.Images;

/// <summary>
/// <c>images authenticate</c>: an account's credentials, fresh from the account service, into
/// <c>&lt;name&gt;-authenticated:latest</c>. Never copied out of another image: those may be stale.
/// </summary>
public sealed class ImageAuthentication(ImageAuthenticator authenticator, ICredentialSource credentialSource, IOptions<ContainerAuthOptions> options)
{
    /// <summary><paramref name="account"/> is already resolved (<see cref="AccountResolver"/>).</summary>
    public async Task<ImageResult> AuthenticateAsync(string image, string account, Job job, CancellationToken cancellationToken)
    {
        var target = ImageNames.AuthenticatedNameFor(image, options.Value);
        job.Report("credentials", 0.1, $"asking the account API for {account}");
        var credentials = await credentialSource.GetAsync(account, cancellationToken);
        var id = await authenticator.AuthenticateAsync(image, target, credentials, job, 0.2, 0.95, cancellationToken);
        return new ImageResult(target, id, credentials.AccountName, credentials.ExpiresAt, [], []);
    }
}
