using System.Text;

namespace Para.ServiceDefaults.Security;

/// <summary>Files that hold secrets: created 0600, written whole or not at all.</summary>
public static class SecretFile
{
    public const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>
    /// Returns the file's trimmed content, creating it with <paramref name="createValue"/> when it is
    /// missing. Two processes racing to create it agree on one value: the loser reads the winner's.
    /// </summary>
    public static string ReadOrCreate(string path, Func<string> createValue)
    {
        if (File.Exists(path))
        {
            return ReadExisting(path);
        }

        var temporary = WriteTemporary(path, createValue());
        try
        {
            File.Move(temporary, path, overwrite: false);
        }
        catch (IOException) when (File.Exists(path))
        {
            File.Delete(temporary);
        }

        return ReadExisting(path);
    }

    /// <summary>Replaces the file atomically: a reader sees the old content or the new, never half.</summary>
    public static void WriteAtomically(string path, string content)
    {
        var temporary = WriteTemporary(path, content);
        File.Move(temporary, path, overwrite: true);
    }

    private static string WriteTemporary(string path, string content)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        ParaDataDirectory.EnsureExists(directory);
        var temporary = Path.Combine(directory, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerOnly;
        }

        using (var stream = new FileStream(temporary, options))
        {
            var bytes = Encoding.UTF8.GetBytes(content);
            stream.Write(bytes);
            stream.Flush(flushToDisk: true);
        }

        return temporary;
    }

    private static string ReadExisting(string path)
    {
        var value = File.ReadAllText(path).Trim();
        if (value.Length == 0)
        {
            throw new InvalidOperationException($"The secret file '{path}' is empty; delete it and Para will create a new one.");
        }

        return value;
    }
}
