using System.Text;
using System.Text.Json;
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
    /// A running container's credentials replaced in place, merged into the file that is there. When
    /// the file still has the size and mtime of Para's last write (<paramref name="lastWritten"/>),
    /// its content is known and only its status is asked (a stat instead of a read: about half the
    /// engine time of a feed); anything else (Claude Code rewrote it) is read.
    /// </summary>
    public async Task<WrittenCredentials> FeedAsync(string containerId, CredentialHome home, CredentialsExport credentials,
        WrittenCredentials? lastWritten, CancellationToken cancellationToken)
    {
        var existing = lastWritten is not null && lastWritten.Matches(await engine.StatFileAsync(containerId, home.CredentialsPath, cancellationToken))
            ? lastWritten.Content
            : (await engine.ReadFileAsync(containerId, home.CredentialsPath, cancellationToken))?.Content;
        KeepNewer(existing, credentials);
        var content = CredentialArchive.MergeCredentials(existing, credentials);
        var now = timeProvider.GetUtcNow();
        using var archive = CredentialArchive.CreateFeed(home, content, now);
        await engine.UploadArchiveAsync(containerId, home.Home, archive, cancellationToken);
        return new WrittenCredentials(content, now);
    }

    public async Task<WrittenHome> WriteAsync(string containerId, string? user, IReadOnlyList<string> env, CredentialsExport credentials,
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

        var existingCredentials = (await existingCredentialsFile)?.Content;
        KeepNewer(existingCredentials, credentials);
        var content = CredentialArchive.MergeCredentials(existingCredentials, credentials);
        var now = timeProvider.GetUtcNow();
        using var archive = CredentialArchive.Create(credentials, home, content, (await existingAccountDetails)?.Content, now);
        await engine.UploadArchiveAsync(containerId, home.Home, archive, cancellationToken);
        return new WrittenHome(home, new WrittenCredentials(content, now));
    }

    /// <summary>
    /// A file holding another refresh token with a later expiry than the one to write: Claude Code
    /// in the container refreshed by itself (the opt-in refresh token), and what Para would write
    /// is older, its refresh token possibly spent. Left as it is; the account API adopts it
    /// before it next refreshes (docs/decisions/0012).
    /// </summary>
    /// <exception cref="NewerCredentialsHeldException">The file holds newer tokens.</exception>
    private static void KeepNewer(byte[]? existing, CredentialsExport credentials)
    {
        ClaudeAiOauth? held;
        try
        {
            held = existing is { Length: > 0 } ? JsonSerializer.Deserialize<ClaudeCredentialsFile>(existing)?.ClaudeAiOauth : null;
        }
        catch (JsonException)
        {
            return;
        }

        var ours = credentials.Credentials.ClaudeAiOauth;
        if (held is { RefreshToken.Length: > 0 } && held.ExpiresAt > ours.ExpiresAt && !string.Equals(held.RefreshToken, ours.RefreshToken, StringComparison.Ordinal))
        {
            throw new NewerCredentialsHeldException(
                $"It holds newer tokens than account {credentials.AccountName}'s (access token {TokenFingerprint.Of(held.AccessToken)}, refreshed inside); left as they are until Para adopts them.");
        }
    }
}

/// <summary>A container's credentials are newer than the ones to be written; the message names fingerprints only.</summary>
public sealed class NewerCredentialsHeldException(string message) : InvalidOperationException(message);

/// <summary>
/// The credentials file as Para last wrote it into a container. The engine keeps the archive
/// entry's mtime (to the microsecond here), so a file of the same size and mtime is this one.
/// </summary>
public sealed record WrittenCredentials(byte[] Content, DateTimeOffset ModifiedAt)
{
    public bool Matches(EngineFileStat? stat) =>
        stat is not null && stat.Size == Content.Length && (stat.ModifiedAt - ModifiedAt).Duration() < TimeSpan.FromMilliseconds(1);
}

/// <summary>Where the credentials went, and the credentials file written there.</summary>
public sealed record WrittenHome(CredentialHome Home, WrittenCredentials Credentials);
