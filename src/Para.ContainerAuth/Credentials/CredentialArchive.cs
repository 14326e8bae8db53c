using System.Formats.Tar;
using System.Text.Json;
using System.Text.Json.Nodes;
using Para.Contracts.Credentials;

namespace Para.ContainerAuth.Credentials;

/// <summary>
/// The tar archive extracted into the user's home: <c>.claude/.credentials.json</c> and
/// <c>.claude.json</c>, 0600 and owned by the user (Claude Code refuses nothing else, and nobody
/// else should read tokens). It lives in memory only for the upload.
/// </summary>
public static class CredentialArchive
{
    private const UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OwnerDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>
    /// The credentials file to write: Para's <c>claudeAiOauth</c> put into the file that is there, so
    /// keys Claude Code keeps beside it (MCP servers' tokens) stay.
    /// </summary>
    public static byte[] MergeCredentials(byte[]? existingCredentials, CredentialsExport credentials) =>
        Merge(existingCredentials, JsonSerializer.SerializeToNode(credentials.Credentials)!.AsObject());

    /// <param name="credentialsFile">The merged credentials file (<see cref="MergeCredentials"/>).</param>
    /// <param name="existingAccountDetails">The image's current <c>.claude.json</c>: its other keys are Claude Code's and stay.</param>
    public static MemoryStream Create(CredentialsExport credentials, CredentialHome home, byte[] credentialsFile, byte[]? existingAccountDetails, DateTimeOffset now)
    {
        var stream = new MemoryStream();
        using (var writer = new TarWriter(stream, TarEntryFormat.Pax, leaveOpen: true))
        {
            writer.WriteEntry(Entry(TarEntryType.Directory, ".claude/", home, OwnerDirectory, now, content: null));
            writer.WriteEntry(Entry(TarEntryType.RegularFile, ".claude/.credentials.json", home, OwnerReadWrite, now, credentialsFile));
            writer.WriteEntry(Entry(TarEntryType.RegularFile, ".claude.json", home, OwnerReadWrite, now,
                MergeAccountDetails(existingAccountDetails, credentials.AccountDetails)));
        }

        stream.Position = 0;
        return stream;
    }

    /// <summary>
    /// A feed of a running container: only <c>.claude/.credentials.json</c>. The entry's time is the
    /// write time: Claude Code re-reads a file whose mtime changed.
    /// </summary>
    /// <param name="credentialsFile">The merged credentials file (<see cref="MergeCredentials"/>).</param>
    public static MemoryStream CreateFeed(CredentialHome home, byte[] credentialsFile, DateTimeOffset now)
    {
        var stream = new MemoryStream();
        using (var writer = new TarWriter(stream, TarEntryFormat.Pax, leaveOpen: true))
        {
            writer.WriteEntry(Entry(TarEntryType.RegularFile, ".claude/.credentials.json", home, OwnerReadWrite, now, credentialsFile));
        }

        stream.Position = 0;
        return stream;
    }

    private static PaxTarEntry Entry(TarEntryType type, string name, CredentialHome home, UnixFileMode mode, DateTimeOffset now, byte[]? content)
    {
        var entry = new PaxTarEntry(type, name)
        {
            Mode = mode,
            Uid = home.Uid,
            Gid = home.Gid,
            ModificationTime = now,
        };
        if (content is not null)
        {
            entry.DataStream = new MemoryStream(content, writable: false);
        }

        return entry;
    }

    private static byte[] MergeAccountDetails(byte[]? existing, ClaudeAccountDetails details) =>
        Merge(existing, JsonSerializer.SerializeToNode(details)!.AsObject());

    /// <summary>Para's keys into the existing JSON object; every other key stays as it was.</summary>
    private static byte[] Merge(byte[]? existing, JsonObject ours)
    {
        JsonObject document;
        try
        {
            document = existing is { Length: > 0 } && JsonNode.Parse(existing) is JsonObject parsed ? parsed : [];
        }
        catch (JsonException)
        {
            document = [];
        }

        foreach (var (key, value) in ours.ToArray())
        {
            ours.Remove(key);
            document[key] = value;
        }

        return JsonSerializer.SerializeToUtf8Bytes(document);
    }
}
