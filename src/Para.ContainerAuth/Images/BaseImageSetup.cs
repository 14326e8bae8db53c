using Microsoft.Extensions.Options;
using Para.ContainerAuth.Credentials;
using Para.ContainerAuth.Jobs;
using Para.Contracts.ContainerAuth;

namespace Para.ContainerAuth.Images;

/// <summary><c>auth setup</c> (and the first half of <c>auth reauth</c>): base image + an account's credentials → the authenticated image.</summary>
public sealed class BaseImageSetup(ImageAuthenticator authenticator, ICredentialSource credentialSource, IOptions<ContainerAuthOptions> options)
{
    public async Task<ImageResult> SetupAsync(string account, string baseImage, Job job, CancellationToken cancellationToken)
    {
        var target = options.Value.AuthenticatedImage;
        job.Report("credentials", 0.1, $"asking the account API for {account}");
        var credentials = await credentialSource.GetAsync(account, cancellationToken);
        var id = await authenticator.AuthenticateAsync(baseImage, target, credentials, job, 0.2, 0.9, cancellationToken);
        return new ImageResult(target, id, credentials.AccountName, credentials.ExpiresAt, [], []);
    }
}
