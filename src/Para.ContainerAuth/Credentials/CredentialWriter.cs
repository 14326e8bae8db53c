using System.Text;
using Microsoft.Extensions.Options;
using Para.ContainerAuth.Docker;
using Para.Contracts.Credentials;

namespace Para.ContainerAuth.Credentials;

/// <summary>Puts an account's credential files into a container's user home, running or not.</summary>
public sealed class CredentialWriter(DockerEngine engine, IOptions<ContainerAuthOptions> options, TimeProvider timeProvider)
{
    /// <summary>Whose home the credentials of this container belong in (image user, HOME, override).</summary>
    public async Task<CredentialHome> ResolveHomeAsync(string containerId, string? user, IReadOnlyList<string> env, CancellationToken cancellationToken)
    {
        var passwd = await engine.ReadFileAsync(containerId, "/etc/passwd", cancellationToken);
        return CredentialHome.Resolve(user, env, passwd is null ? null : Encoding.UTF8.GetString(passwd.Content), options.Value.HomeOverride);
    }

    /// <summary>
    /// A running container's credentials replaced in place: two engine calls (read the file, upload
    /// the merged one) for a container whose home is already known.
    /// </summary>
    public async Task FeedAsync(string containerId, CredentialHome home, CredentialsExport credentials, CancellationToken cancellationToken)
    {
        var existing = await engine.ReadFileAsync(containerId, home.CredentialsPath, cancellationToken);
        using var archive = CredentialArchive.CreateFeed(credentials, home, existing?.Content, timeProvider.GetUtcNow());
        await engine.UploadArchiveAsync(containerId, home.Home, archive, cancellationToken);
    }

    public async Task<CredentialHome> WriteAsync(string containerId, string? user, IReadOnlyList<string> env, CredentialsExport credentials,
        CancellationToken cancellationToken)
    {
        var home = await ResolveHomeAsync(containerId, user, env, cancellationToken);
        // The three questions at once (they are independent; one engine round trip instead of three
        // one after the other, about a tenth of a second per image in reauth-all).
        var homeExists = engine.PathExistsAsync(containerId, home.Home, cancellationToken);
        var existingAccountDetails = engine.ReadFileAsync(containerId, home.AccountDetailsPath, cancellationToken);
        var existingCredentialsFile = engine.ReadFileAsync(containerId, home.CredentialsPath, cancellationToken);
        await Task.WhenAll(homeExists, existingAccountDetails, existingCredentialsFile);
        // Checked before the upload: the engine refuses an upload into a missing folder mid-stream, which reads like a broken connection.
        if (!await homeExists)
        {
            throw new InvalidOperationException($"The home folder {home.Home} does not exist in the container.");
        }

        var existing = await existingAccountDetails;
        var existingCredentials = await existingCredentialsFile;
        using var archive = CredentialArchive.Create(credentials, home, existing?.Content, timeProvider.GetUtcNow(), existingCredentials?.Content);
        await engine.UploadArchiveAsync(containerId, home.Home, archive, cancellationToken);
        return home;
    }
}
